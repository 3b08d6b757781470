import { Inject, Injectable } from '@nestjs/common';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { ErrorCode } from '@engage/contracts';
import { SERVICE_CONFIG } from '@engage/service-runtime';
import { DomainError, UnavailableError } from '@engage/errors';
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
}

const XML_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };
const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => XML_ENTITIES[c]);

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
    const events = 'initiated ringing answered completed';
    const twiml =
      `<Response><Dial callerId="${escapeXml(call.from)}">` +
      `<Number statusCallback="${escapeXml(call.contactStatusUrl)}" statusCallbackEvent="${events}" statusCallbackMethod="POST">${escapeXml(call.contactPhone)}</Number>` +
      `</Dial></Response>`;
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
