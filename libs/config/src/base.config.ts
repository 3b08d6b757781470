import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  type ValidationArguments,
  ValidateIf,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** `@Transform` for a whole-number setting read from the environment (unset or empty: the default). */
export const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** A NATS server takes one kind of credential per connection. */
@ValidatorConstraint({ name: 'natsTokenWithoutUser' })
class TokenWithoutUser implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return (args.object as { NATS_USER?: string }).NATS_USER === undefined;
  }

  defaultMessage(): string {
    return 'NATS_TOKEN cannot be combined with NATS_USER';
  }
}

/** NATS connection settings taken from the configuration (see {@link BaseConfig.natsConnection}). */
export interface NatsConnectionSettings {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

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

  /**
   * The process's own NATS user and password (production: each service is a NATS user whose
   * permissions allow only its own subjects). Both or neither.
   */
  @ValidateIf((c: BaseConfig) => c.NATS_USER !== undefined || c.NATS_PASSWORD !== undefined)
  @IsString({ message: 'NATS_USER must be set with NATS_PASSWORD' })
  @IsNotEmpty({ message: 'NATS_USER must be set with NATS_PASSWORD' })
  NATS_USER?: string;

  @ValidateIf((c: BaseConfig) => c.NATS_USER !== undefined || c.NATS_PASSWORD !== undefined)
  @IsString({ message: 'NATS_PASSWORD must be set with NATS_USER' })
  @IsNotEmpty({ message: 'NATS_PASSWORD must be set with NATS_USER' })
  NATS_PASSWORD?: string;

  /** A NATS token instead of a user (a server with one shared token); not with NATS_USER. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @Validate(TokenWithoutUser)
  NATS_TOKEN?: string;

  /** CA certificate (PEM file) that signed the NATS servers' certificates: TLS, verified. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  NATS_TLS_CA_FILE?: string;

  /** Client certificate and key (PEM files) when the NATS servers require mutual TLS. Both or neither. */
  @ValidateIf((c: BaseConfig) => c.NATS_TLS_CERT_FILE !== undefined || c.NATS_TLS_KEY_FILE !== undefined)
  @IsString({ message: 'NATS_TLS_CERT_FILE must be set with NATS_TLS_KEY_FILE' })
  @IsNotEmpty({ message: 'NATS_TLS_CERT_FILE must be set with NATS_TLS_KEY_FILE' })
  NATS_TLS_CERT_FILE?: string;

  @ValidateIf((c: BaseConfig) => c.NATS_TLS_CERT_FILE !== undefined || c.NATS_TLS_KEY_FILE !== undefined)
  @IsString({ message: 'NATS_TLS_KEY_FILE must be set with NATS_TLS_CERT_FILE' })
  @IsNotEmpty({ message: 'NATS_TLS_KEY_FILE must be set with NATS_TLS_CERT_FILE' })
  NATS_TLS_KEY_FILE?: string;

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

  /** How this process connects to NATS: servers, its credentials, and TLS when configured. */
  get natsConnection(): NatsConnectionSettings {
    const tls =
      this.NATS_TLS_CA_FILE || this.NATS_TLS_CERT_FILE
        ? { caFile: this.NATS_TLS_CA_FILE, certFile: this.NATS_TLS_CERT_FILE, keyFile: this.NATS_TLS_KEY_FILE }
        : undefined;
    return {
      servers: this.natsServers,
      ...(this.NATS_USER ? { user: this.NATS_USER, pass: this.NATS_PASSWORD } : {}),
      ...(this.NATS_TOKEN ? { token: this.NATS_TOKEN } : {}),
      ...(tls ? { tls } : {}),
    };
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
