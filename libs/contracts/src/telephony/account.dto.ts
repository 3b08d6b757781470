import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** A Twilio account SID: AC and 32 hex digits. */
export const TWILIO_ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;

/**
 * Which Twilio account the tenant's calls and texts go through: its own (a subaccount or an
 * account it connected) or the platform's. The auth token is never part of it.
 */
export class TwilioAccountView {
  @ApiProperty({ nullable: true, type: String, example: 'AC0123456789abcdef0123456789abcdef', description: 'null when no platform account is configured and the tenant has none' })
  account_sid: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Acme Inc' }) friendly_name: string | null;
  @ApiProperty({ enum: ['tenant', 'platform'], description: '`tenant`: the tenant’s own account; `platform`: the platform account every tenant without one shares' })
  source: 'tenant' | 'platform';
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the tenant’s own account was connected (null for the platform account)' })
  connected_at: string | null;
}

/** Connects an existing Twilio account (or subaccount): the credentials are checked with Twilio before they are kept. */
export class ConnectTwilioAccountRequest {
  @ApiProperty({ example: 'AC0123456789abcdef0123456789abcdef' })
  @IsString()
  @Matches(TWILIO_ACCOUNT_SID, { message: 'account_sid must be AC followed by 32 hex digits' })
  account_sid: string;

  @ApiProperty({ writeOnly: true, minLength: 16, maxLength: 128, description: 'The account’s auth token; stored encrypted, never shown again' })
  @IsString()
  @MinLength(16)
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9]+$/, { message: 'auth_token must be letters and digits' })
  auth_token: string;
}

/** Creates a Twilio subaccount for the tenant under the platform account and connects it. */
export class CreateTwilioSubaccountRequest {
  @ApiPropertyOptional({ maxLength: 64, description: 'Default: the tenant’s id' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  friendly_name?: string;
}

/** `evt.telephony.twilio_account.changed`: the tenant's Twilio account was connected, created or disconnected (never the token). */
export interface TwilioAccountChangedEvent {
  account_sid: string | null;
  friendly_name: string | null;
  source: 'tenant' | 'platform';
  previous_account_sid: string | null;
  change: 'connected' | 'subaccount_created' | 'disconnected';
}
