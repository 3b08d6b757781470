import { IsOptional, IsString, IsUrl, Matches } from 'class-validator';
import { ServiceConfig } from '@engage/config';

/** telephony-service settings: the shared service settings (see libs/config) and Twilio's. */
export class TelephonyConfig extends ServiceConfig {
  override PORT = 3003;

  /**
   * Where the `twilio` SDK's requests go instead of https://*.twilio.com (the local stand-in in
   * development and tests); unset = Twilio itself.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  TWILIO_API_BASE_URL?: string;

  /** The platform account; without it calls answer 503 (nothing can be dialled). */
  @IsOptional()
  @Matches(/^AC[0-9a-fA-F]{32}$/, { message: 'TWILIO_ACCOUNT_SID must look like AC followed by 32 hex digits' })
  TWILIO_ACCOUNT_SID?: string;

  /** Signs callbacks too: a callback whose X-Twilio-Signature does not verify with it changes nothing. */
  @IsOptional()
  @IsString()
  TWILIO_AUTH_TOKEN?: string;

  /** The public base URL of the gateway, which Twilio posts callbacks to and signs over (SPEC PUBLIC_BASE_URL). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  TWILIO_WEBHOOK_BASE_URL = 'http://127.0.0.1:3000';

  /** The caller id calls are placed from unless a request names another (a number the account owns). */
  @IsOptional()
  @Matches(/^\+[1-9]\d{7,14}$/, { message: 'TWILIO_FROM_NUMBER must be E.164' })
  TWILIO_FROM_NUMBER?: string;
}
