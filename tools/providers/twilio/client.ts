import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

/**
 * The SDK's own HTTP client with one change: every `https://<product>.twilio.com` URL is sent to the
 * stand-in instead. `api.twilio.com` paths keep their path (`/2010-04-01/…`); other products get their
 * name as a path prefix (`lookups.twilio.com/v2/…` → `<stand-in>/lookups/v2/…`). Auth, form encoding,
 * headers and error handling stay the SDK's, so code that works here works against Twilio.
 */
export class StandInRequestClient extends RequestClient {
  private readonly base: string;

  constructor(standInUrl: string, opts?: RequestClient.RequestClientOptions) {
    super(opts);
    this.base = standInUrl.replace(/\/+$/, '');
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    return super.request({ ...opts, uri: this.rewrite(opts.uri) });
  }

  /** Maps a Twilio URL to the stand-in; URLs of other hosts are left alone. */
  rewrite(uri: string): string {
    const url = new URL(uri);
    if (!/(^|\.)twilio\.com$/.test(url.hostname)) return uri;
    // Edge and region labels (api.sydney.au1.twilio.com) do not matter here: the product is the first label.
    const product = url.hostname.split('.')[0];
    const prefix = product === 'api' ? '' : `/${product}`;
    return `${this.base}${prefix}${url.pathname}${url.search}`;
  }
}

/** A real `twilio` client whose requests reach the stand-in at `standInUrl`. */
export function createStandInTwilioClient(standInUrl: string, accountSid: string, authToken: string): twilio.Twilio {
  return twilio(accountSid, authToken, { httpClient: new StandInRequestClient(standInUrl) });
}
