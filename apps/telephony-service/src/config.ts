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

  /** The API key browser Voice access tokens are signed with (SK…); without it POST /v1/calls/token answers 503. */
  @IsOptional()
  @Matches(/^SK[0-9a-fA-F]{32}$/, { message: 'TWILIO_API_KEY_SID must look like SK followed by 32 hex digits' })
  TWILIO_API_KEY_SID?: string;

  @IsOptional()
  @IsString()
  TWILIO_API_KEY_SECRET?: string;

  /** The TwiML app (AP…) whose voice URL is /webhooks/twilio/voice; browser devices connect through it. */
  @IsOptional()
  @Matches(/^AP[0-9a-fA-F]{32}$/, { message: 'TWILIO_TWIML_APP_SID must look like AP followed by 32 hex digits' })
  TWILIO_TWIML_APP_SID?: string;

  /** Signs callbacks too: a callback whose X-Twilio-Signature does not verify with it changes nothing. */
  @IsOptional()
  @IsString()
  TWILIO_AUTH_TOKEN?: string;

  /** The gateway's public base URL, which Twilio posts callbacks to and signs over (SPEC section 4). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL?: string;

  /** Overrides PUBLIC_BASE_URL for Twilio's callbacks only (e.g. a tunnel in development). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  TWILIO_WEBHOOK_BASE_URL?: string;

  /** The caller id calls are placed from unless a request names another (a number the account owns). */
  @IsOptional()
  @Matches(/^\+[1-9]\d{7,14}$/, { message: 'TWILIO_FROM_NUMBER must be E.164' })
  TWILIO_FROM_NUMBER?: string;

  /** The account's number as the stack's providers file names it; the caller id when TWILIO_FROM_NUMBER is unset. */
  @IsOptional()
  @Matches(/^\+[1-9]\d{7,14}$/, { message: 'TWILIO_PHONE_NUMBER must be E.164' })
  TWILIO_PHONE_NUMBER?: string;

  /**
   * 32 random bytes, base64: seals tenants' own Twilio auth tokens at rest (AES-256-GCM, a data key per
   * tenant). Without it the platform account still works, but connecting a tenant's own account answers 503.
   */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'ENCRYPTION_KEY must be 32 bytes, base64-encoded' })
  ENCRYPTION_KEY?: string;

  get twilioWebhookBaseUrl(): string {
    return this.TWILIO_WEBHOOK_BASE_URL ?? this.PUBLIC_BASE_URL ?? `http://127.0.0.1:3000`;
  }

  get twilioFromNumber(): string | null {
    return this.TWILIO_FROM_NUMBER ?? this.TWILIO_PHONE_NUMBER ?? null;
  }
}
