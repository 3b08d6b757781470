import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
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

  /**
   * Seals webhook signing secrets at rest (SecretBox, a data key per tenant): base64 of 32 bytes.
   * Without it, webhook endpoints cannot be created (the stack and Helm give it).
   */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'ENCRYPTION_KEY must be 32 bytes, base64-encoded' })
  ENCRYPTION_KEY?: string;

  /**
   * When a failed webhook delivery is tried again, counted from the previous try (milliseconds,
   * comma-separated): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h — eight tries over about a day and a
   * half, each delay with ±20 % jitter. After the last one the delivery is dead-lettered.
   */
  @Matches(/^\d+(,\d+)*$/, { message: 'WEBHOOK_RETRY_SCHEDULE_MS must be comma-separated milliseconds' })
  WEBHOOK_RETRY_SCHEDULE_MS = '5000,300000,1800000,7200000,18000000,36000000,50400000';

  /** How long a receiver has to answer one delivery (10 s). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** How often the worker looks for due deliveries (new ones are also picked up at once on this replica). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  WEBHOOK_POLL_INTERVAL_MS = 500;

  /** Deliveries in flight at once to one endpoint, per replica. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_ENDPOINT_CONCURRENCY = 2;

  /** Deliveries in flight at once per replica, all endpoints together. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_MAX_IN_FLIGHT = 200;

  /** Consecutive failures that open an endpoint's circuit breaker. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_BREAKER_THRESHOLD = 5;

  /** How long an open breaker pauses the endpoint (its due deliveries move to then). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  WEBHOOK_BREAKER_PAUSE_MS = 60_000;

  /** An endpoint that has failed everything for this long is disabled and its creator notified (3 days). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WEBHOOK_DISABLE_AFTER_MS = 3 * 24 * 3_600_000;

  /** After a rotation, how long the previous secret still signs deliveries alongside the new one (24 h). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  WEBHOOK_ROTATION_OVERLAP_MS = 24 * 3_600_000;

  get webhookRetrySchedule(): number[] {
    return this.WEBHOOK_RETRY_SCHEDULE_MS.split(',').map(Number);
  }

  get appUrl(): string {
    return (this.APP_URL ?? this.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  }
}
