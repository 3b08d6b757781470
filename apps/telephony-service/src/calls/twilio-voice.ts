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

/** What telephony asks of Twilio: place a bridged call, end one, check a callback's signature. */
@Injectable()
export class TwilioVoice {
  private readonly client: twilio.Twilio | null;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: TelephonyConfig) {
    const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, TWILIO_API_BASE_URL: base } = config;
    this.client = sid && token ? twilio(sid, token, base ? { httpClient: new RedirectingRequestClient(base) } : {}) : null;
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
  async placeBridgeCall(call: BridgeCall): Promise<string> {
    const twiml = `<Response>${dialContact(call.contactPhone, call.from, call.contactStatusUrl, call.recordingStatusUrl)}</Response>`;
    const created = await this.guard(() =>
      this.twilio().calls.create({
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
  async recordingMedia(recordingSid: string, start: number, end: number): Promise<RecordingMedia> {
    const { TWILIO_ACCOUNT_SID: account, TWILIO_AUTH_TOKEN: token, TWILIO_API_BASE_URL: base } = this.config;
    if (!account || !token) throw new UnavailableError('Twilio (no account configured)');
    const url = `${(base ?? 'https://api.twilio.com').replace(/\/+$/, '')}/2010-04-01/Accounts/${account}/Recordings/${encodeURIComponent(recordingSid)}.wav`;
    let res: globalThis.Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Basic ${Buffer.from(`${account}:${token}`).toString('base64')}`, range: `bytes=${start}-${end}` },
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
  async deleteRecording(recordingSid: string): Promise<void> {
    try {
      await this.guard(() => this.twilio().recordings(recordingSid).remove());
    } catch (error) {
      if (error instanceof DomainError && error.details?.provider_status === 404) return;
      throw error;
    }
  }

  /**
   * Sends a text (Messages create) and answers its MessageSid; Twilio then reports queued, sent and
   * delivered / undelivered / failed to `statusCallback`. A refusal is a 502 carrying Twilio's code.
   */
  async sendMessage(text: { to: string; from: string; body: string; statusCallback: string }): Promise<string> {
    const created = await this.guard(() => this.twilio().messages.create({ to: text.to, from: text.from, body: text.body, statusCallback: text.statusCallback }));
    return created.sid;
  }

  /** Ends the bridged call (both legs): `completed` once answered, `canceled` while it still rings. */
  async hangUp(callSid: string): Promise<void> {
    await this.guard(() => this.twilio().calls(callSid).update({ status: 'completed' }));
  }

  /** Twilio's own check (HMAC-SHA1 over the URL and the sorted fields), with the account's token. */
  isSignedByTwilio(pathAndQuery: string, params: Record<string, string>, signature: string | undefined): boolean {
    const token = this.config.TWILIO_AUTH_TOKEN;
    if (!token || !signature) return false;
    return twilio.validateRequest(token, signature, this.publicUrl(pathAndQuery), params);
  }

  private twilio(): twilio.Twilio {
    if (!this.client) throw new UnavailableError('Twilio (no account configured)');
    return this.client;
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
