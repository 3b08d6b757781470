import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { ServiceConfig, toInt } from '@engage/config';

/** notification-service settings: the shared service settings (see libs/config), stream retention and mail. */
export class NotificationConfig extends ServiceConfig {
  override PORT = 3005;

  /**
   * How long a user's realtime stream entries are kept (7 days): a client that reconnects with an
   * older `after` gets `reset` and reloads instead of a replay.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  NOTIFICATION_STREAM_RETENTION_DAYS = 7;

  /** How often stream entries past their retention are deleted (one hour). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  NOTIFICATION_STREAM_RETENTION_INTERVAL_MS = 3_600_000;

  /**
   * The mail server, `smtp://user:pass@host:port` (`smtps://` for implicit TLS). Unset: no mail is
   * sent and link requests answer `sent: false` (the stack's SMTP stand-in sets it in development).
   */
  @IsOptional()
  @IsString()
  SMTP_URL?: string;

  /** The From address of every email. */
  @IsString()
  MAIL_FROM = 'Engage <no-reply@engage.localhost>';

  /**
   * Where the web app is, for the links in emails (`<APP_URL>/reset-password?token=…`). Defaults to
   * PUBLIC_BASE_URL, then to the gateway in development.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  APP_URL?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL?: string;

  get appUrl(): string {
    return (this.APP_URL ?? this.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  }
}
