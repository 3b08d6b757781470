import { Inject, Injectable } from '@nestjs/common';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { ErrorCode } from '@engage/contracts';
import { SERVICE_CONFIG } from '@engage/service-runtime';
import { DomainError, NotFoundError, UnavailableError } from '@engage/errors';
import type { TelephonyConfig } from '../config';

/**
 * The SDK's own HTTP client, with every `https://<product>.twilio.com` URL sent to
 * TWILIO_API_BASE_URL instead (the stand-in): `api` keeps its path, other products get their name as
 * a prefix. Auth, form encoding and errors stay the SDK's, so the same code talks to Twilio.
 */
export class RedirectingRequestClient extends RequestClient {
  constructor(private readonly base: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = new URL(opts.uri);
    if (!/(^|\.)twilio\.com$/.test(url.hostname)) return super.request(opts);
    const product = url.hostname.split('.')[0];
    const uri = `${this.base.replace(/\/+$/, '')}${product === 'api' ? '' : `/${product}`}${url.pathname}${url.search}`;
    return super.request({ ...opts, uri });
  }
}

export interface BridgeCall {
  repPhone: string;
  contactPhone: string;
  from: string;
  /** Where each leg's status callbacks go (already carrying the tenant and call ids). */
  repStatusUrl: string;
  contactStatusUrl: string;
  /** Where recording-status callbacks go when the call is recorded (both parties, from answer). */
  recordingStatusUrl?: string;
}

/** Bytes of a recording's audio as the provider served them. */
export interface RecordingMedia {
  bytes: Buffer;
  /** Size of the whole recording. */
  total: number;
  contentType: string;
}

/**
 * The Twilio account a request is made with, and whose auth token signs the callbacks of what it
 * created: a tenant's own account (TwilioAccounts resolves it) or the platform account from config.
 */
export interface TwilioAccount {
  sid: string;
  authToken: string;
  friendlyName: string | null;
  source: 'tenant' | 'platform';
}

/** Most SDK clients kept at once (one per account in use; a tenant's own account adds one). */
const MAX_CLIENTS = 1000;

/** How long a browser device's Voice access token lives (Twilio allows up to 24 h; SPEC: at most 1 h). */
export const VOICE_TOKEN_TTL_S = 3600;

const XML_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };
const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => XML_ENTITIES[c]);

/**
 * `<Dial>` of the contact with our caller id; the contact's leg reports its statuses to
 * `statusUrl`. A recorded call records both parties from the moment the contact answers
 * (dual channel) and reports the recording to `recordingStatusUrl`.
 */
function dialContact(to: string, from: string, statusUrl: string, recordingStatusUrl?: string): string {
  const record = recordingStatusUrl
    ? ` record="record-from-answer-dual" recordingStatusCallback="${escapeXml(recordingStatusUrl)}" recordingStatusCallbackEvent="completed absent" recordingStatusCallbackMethod="POST"`
    : '';
  return (
    `<Dial callerId="${escapeXml(from)}"${record}>` +
    `<Number statusCallback="${escapeXml(statusUrl)}" statusCallbackEvent="initiated ringing answered completed" statusCallbackMethod="POST">${escapeXml(to)}</Number>` +
    `</Dial>`
  );
}

/**
 * What telephony asks of Twilio: place a bridged call, end one, send a text, read and delete a
 * recording, check a callback's signature. Every request names the account it is made with (the
 * tenant's, see TwilioAccounts), so one process serves tenants on their own accounts and on the
 * platform's; the SDK clients are kept per account.
 */
@Injectable()
export class TwilioVoice {
  private readonly clients = new Map<string, { token: string; client: twilio.Twilio }>();
  private readonly httpClient: RedirectingRequestClient | undefined;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: TelephonyConfig) {
    this.httpClient = config.TWILIO_API_BASE_URL ? new RedirectingRequestClient(config.TWILIO_API_BASE_URL) : undefined;
  }

  /** The platform account from config (every tenant without its own uses it), or null when none is configured. */
  get platformAccount(): TwilioAccount | null {
    const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token } = this.config;
    return sid && token ? { sid, authToken: token, friendlyName: null, source: 'platform' } : null;
  }

  get defaultFrom(): string | null {
    return this.config.twilioFromNumber;
  }

  /** The public URL Twilio posts `pathAndQuery` to (what it signs). */
  publicUrl(pathAndQuery: string): string {
    return `${this.config.twilioWebhookBaseUrl.replace(/\/+$/, '')}${pathAndQuery}`;
  }

  /**
   * Bridge mode: Twilio rings the rep's phone; when the rep answers, the inline TwiML dials the
   * contact with the caller id `from`. Each leg reports its statuses to its own callback URL.
   */
  async placeBridgeCall(account: TwilioAccount, call: BridgeCall): Promise<string> {
    const twiml = `<Response>${dialContact(call.contactPhone, call.from, call.contactStatusUrl, call.recordingStatusUrl)}</Response>`;
    const created = await this.guard(() =>
      this.clientFor(account).calls.create({
        to: call.repPhone,
        from: call.from,
        twiml,
        statusCallback: call.repStatusUrl,
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        statusCallbackMethod: 'POST',
      }),
    );
    return created.sid;
  }

  /**
   * The TwiML that connects a browser device's call to the contact once the gate let it through:
   * the contact leg reports to `contactStatusUrl` like a bridged call's second leg.
   */
  dialFromBrowser(to: string, from: string, contactStatusUrl: string, recordingStatusUrl?: string): string {
    return `<?xml version="1.0" encoding="UTF-8"?><Response>${dialContact(to, from, contactStatusUrl, recordingStatusUrl)}</Response>`;
  }

  /** What a refused browser call hears before it is hung up. */
  refuseTwiml(reason: string): string {
    return `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${escapeXml(reason)}</Say><Hangup/></Response>`;
  }

  /**
   * A Voice access token for the browser's Twilio.Device: signed with the API key, for the TwiML
   * app whose voice URL is our webhook, identity bound to the user (and tenant), no incoming calls.
   */
  voiceToken(identity: string): { token: string; expiresIn: number } {
    const { TWILIO_ACCOUNT_SID: account, TWILIO_API_KEY_SID: keySid, TWILIO_API_KEY_SECRET: keySecret, TWILIO_TWIML_APP_SID: appSid } = this.config;
    if (!account || !keySid || !keySecret) throw new UnavailableError('Twilio (no API key configured for browser calling)');
    const token = new twilio.jwt.AccessToken(account, keySid, keySecret, { identity, ttl: VOICE_TOKEN_TTL_S });
    token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: false, ...(appSid ? { outgoingApplicationSid: appSid } : {}) }));
    return { token: token.toJwt(), expiresIn: VOICE_TOKEN_TTL_S };
  }

  /**
   * Bytes `start`–`end` (inclusive) of a recording's WAV audio, read from the provider with the
   * account's credentials (the SDK has no media call; this is the media URL Twilio documents).
   */
  async recordingMedia(account: TwilioAccount, recordingSid: string, start: number, end: number): Promise<RecordingMedia> {
    const base = this.config.TWILIO_API_BASE_URL ?? 'https://api.twilio.com';
    const url = `${base.replace(/\/+$/, '')}/2010-04-01/Accounts/${account.sid}/Recordings/${encodeURIComponent(recordingSid)}.wav`;
    let res: globalThis.Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Basic ${Buffer.from(`${account.sid}:${account.authToken}`).toString('base64')}`, range: `bytes=${start}-${end}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new UnavailableError('Twilio');
    }
    if (res.status === 404) throw new NotFoundError('Recording', recordingSid);
    if (res.status !== 206 && res.status !== 200) {
      throw new DomainError(ErrorCode.upstreamError, 502, 'Twilio refused the recording request.', { provider_status: res.status });
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const range = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
    const total = range ? Number(range[1]) : bytes.length;
    // A provider that ignored the Range header sent everything: keep the asked-for part.
    const part = res.status === 200 ? bytes.subarray(start, end + 1) : bytes;
    return { bytes: part, total, contentType: res.headers.get('content-type') ?? 'audio/wav' };
  }

  /** Deletes a recording at the provider (erasure, retention); one already gone counts as deleted. */
  async deleteRecording(account: TwilioAccount, recordingSid: string): Promise<void> {
    try {
      await this.guard(() => this.clientFor(account).recordings(recordingSid).remove());
    } catch (error) {
      if (error instanceof DomainError && error.details?.provider_status === 404) return;
      throw error;
    }
  }

  /**
   * Sends a text (Messages create) and answers its MessageSid; Twilio then reports queued, sent and
   * delivered / undelivered / failed to `statusCallback`. A refusal is a 502 carrying Twilio's code.
   */
  async sendMessage(account: TwilioAccount, text: { to: string; from: string; body: string; statusCallback: string }): Promise<string> {
    const created = await this.guard(() => this.clientFor(account).messages.create({ to: text.to, from: text.from, body: text.body, statusCallback: text.statusCallback }));
    return created.sid;
  }

  /** Ends the bridged call (both legs): `completed` once answered, `canceled` while it still rings. */
  async hangUp(account: TwilioAccount, callSid: string): Promise<void> {
    await this.guard(() => this.clientFor(account).calls(callSid).update({ status: 'completed' }));
  }

  /**
   * Checks credentials someone wants to connect by fetching their account from Twilio: its friendly
   * name when Twilio accepts them, null when it refuses them (401/403/404). Unreachable is a 503.
   */
  async verifyAccount(sid: string, authToken: string): Promise<{ friendlyName: string | null } | null> {
    const client = twilio(sid, authToken, this.httpClient ? { httpClient: this.httpClient } : {});
    try {
      const account = await this.guard(() => client.api.v2010.accounts(sid).fetch());
      return { friendlyName: account.friendlyName ?? null };
    } catch (error) {
      const status = error instanceof DomainError ? error.details?.provider_status : undefined;
      if (status === 401 || status === 403 || status === 404) return null;
      throw error;
    }
  }

  /** Creates a subaccount under `parent` (Twilio answers its SID and its own auth token). */
  async createSubaccount(parent: TwilioAccount, friendlyName: string): Promise<TwilioAccount> {
    const created = await this.guard(() => this.clientFor(parent).api.v2010.accounts.create({ friendlyName }));
    return { sid: created.sid, authToken: created.authToken, friendlyName: created.friendlyName ?? friendlyName, source: 'tenant' };
  }

  /**
   * Twilio's own check (HMAC-SHA1 over the URL and the sorted fields) with the token of the account
   * that owns what the callback is about: Twilio signs with that account's token, so no other verifies.
   */
  isSignedByTwilio(account: TwilioAccount | null, pathAndQuery: string, params: Record<string, string>, signature: string | undefined): boolean {
    if (!account || !signature) return false;
    return twilio.validateRequest(account.authToken, signature, this.publicUrl(pathAndQuery), params);
  }

  /** The SDK client of an account, made once and kept (a new token for the same account replaces it). */
  private clientFor(account: TwilioAccount): twilio.Twilio {
    const kept = this.clients.get(account.sid);
    if (kept && kept.token === account.authToken) return kept.client;
    if (this.clients.size >= MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
    const client = twilio(account.sid, account.authToken, this.httpClient ? { httpClient: this.httpClient } : {});
    this.clients.set(account.sid, { token: account.authToken, client });
    return client;
  }

  /** Twilio's refusals become a 502 with its code; a network failure is 503. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const e = error as { status?: number; code?: number; message?: string };
      if (typeof e.status === 'number') {
        throw new DomainError(ErrorCode.upstreamError, 502, 'Twilio refused the request.', { provider_status: e.status, provider_code: e.code ?? null });
      }
      throw new UnavailableError('Twilio');
    }
  }
}
