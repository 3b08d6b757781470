import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { ServiceConfig, toInt } from '@engage/config';

const url = () => IsUrl({ require_tld: false, protocols: ['http', 'https'] });

/** activity-service settings: the shared service settings (see libs/config) and Gmail sync's. */
export class ActivityConfig extends ServiceConfig {
  override PORT = 3004;

  /**
   * Its event consumers record several events at once (the timeline's and the audit trail's take
   * eight each), beside the REST reads: a bigger pool than the default ten keeps them from queueing
   * behind each other.
   */
  override DB_POOL_SIZE = 24;

  /** The Google OAuth client users connect their Gmail with; without it the Gmail routes answer 503. */
  @IsOptional()
  @IsString()
  GMAIL_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  GMAIL_CLIENT_SECRET?: string;

  /**
   * Google's endpoints, replaced by the local stand-in's in development and tests (the paths stay
   * Google's, only the host changes); unset = Google itself.
   */
  @IsOptional()
  @url()
  GMAIL_AUTH_URL?: string;

  @IsOptional()
  @url()
  GMAIL_TOKEN_URL?: string;

  @IsOptional()
  @url()
  GMAIL_REVOKE_URL?: string;

  @IsOptional()
  @url()
  GMAIL_TOKEN_INFO_URL?: string;

  /** Where Gmail API calls go (`<root>gmail/v1/users/…`); unset = https://gmail.googleapis.com/. */
  @IsOptional()
  @url()
  GMAIL_GMAIL_ROOT_URL?: string;

  /** Where Google sends the browser back with the code: the web app's page, which posts it to /connect. */
  @IsOptional()
  @url()
  GMAIL_REDIRECT_URI?: string;

  /** The gateway's public base URL (the default redirect URI is under it). */
  @IsOptional()
  @url()
  PUBLIC_BASE_URL?: string;

  /** The Pub/Sub topic Gmail publishes mailbox changes to (users.watch). */
  @Matches(/^projects\/[^/]+\/topics\/[^/]+$/, { message: 'GMAIL_PUSH_TOPIC must look like projects/<project>/topics/<topic>' })
  GMAIL_PUSH_TOPIC = 'projects/engage-standin/topics/gmail-push';

  /** The shared secret the push subscription appends as `?token=`; pushes without it answer 403. Unset = pushes refused (the poll still syncs). */
  @IsOptional()
  @IsString()
  GMAIL_PUSH_TOKEN?: string;

  /** How many days of mail the first sync of a mailbox (and a resync after Gmail dropped its history) reads. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  GMAIL_INITIAL_SYNC_DAYS = 30;

  /** The safety net: every connection is synced at least this often even when no push arrives. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  GMAIL_POLL_INTERVAL_MS = 60_000;

  /** Messages fetched from Gmail at once per mailbox during a sync. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  GMAIL_FETCH_CONCURRENCY = 16;

  /** Mailboxes synced at once per replica by the poll. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  GMAIL_SYNC_CONCURRENCY = 4;

  /** 32 random bytes, base64: seals users' Google refresh tokens at rest (AES-256-GCM, a data key per tenant). */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'ENCRYPTION_KEY must be 32 bytes, base64-encoded' })
  ENCRYPTION_KEY?: string;

  get gmailRedirectUri(): string {
    return this.GMAIL_REDIRECT_URI ?? `${(this.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '')}/integrations/gmail/callback`;
  }
}
