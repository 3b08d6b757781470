import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, Matches } from 'class-validator';

/** `@Transform` for a whole-number setting read from the environment (unset or empty: the default). */
export const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** Settings every process has (gateway and services). */
export class BaseConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Comma-separated NATS servers; all of them are tried, in order, on connect and reconnect. */
  @IsString()
  @Matches(/^(nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*$/, { message: 'NATS_URL must be nats:// URLs, comma-separated' })
  NATS_URL = 'nats://127.0.0.1:4222';

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** How long NATS may drain on SIGTERM before the process exits anyway. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10_000;

  /** Default timeout of a NATS request; a request never waits forever. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  NATS_REQUEST_TIMEOUT_MS = 5_000;

  get natsServers(): string[] {
    return this.NATS_URL.split(',');
  }

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }
}

/** Settings of a service that owns a Postgres schema. */
export class ServiceConfig extends BaseConfig {
  /** Connection of the runtime role: DML on its own schema only, subject to RLS. */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string;

  /** Connection of the schema-owner role; used only to run migrations. */
  @IsOptional()
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'MIGRATION_DATABASE_URL must be a postgres:// URL' })
  MIGRATION_DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  /** Run pending migrations at boot (development and tests); production uses the migration job. */
  @Transform(({ value }) => value === 'true' || value === '1')
  MIGRATE_ON_BOOT = false;

  /** How long JetStream keeps events: long enough to rebuild a projection. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EVENT_RETENTION_DAYS = 7;

  /** Copies of each event stream: 3 on a JetStream cluster (survives a node loss), 1 on a single server. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(5)
  JETSTREAM_REPLICAS = 1;
}
