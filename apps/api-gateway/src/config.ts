import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { BaseConfig, toInt } from '@engage/config';

export class GatewayConfig extends BaseConfig {
  /** Largest JSON body accepted, in bytes (CSV imports have their own, larger limit). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  /**
   * Time for a client to send its request headers, and for a JSON or form body to arrive in full
   * after them. A client trickling either one byte at a time (slowloris) is cut off here instead of
   * holding a connection.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  HTTP_BODY_TIMEOUT_MS = 10_000;

  /**
   * Longest time to receive a whole request, CSV imports included (100 MB at about 350 KB/s);
   * must be at least the headers timeout.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  HTTP_REQUEST_TIMEOUT_MS = 300_000;

  /** A socket with no traffic either way for this long is closed. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  HTTP_CONNECTION_TIMEOUT_MS = 60_000;

  /**
   * How long an idle keep-alive connection stays open: longer than the ingress' upstream
   * keep-alive (60 s for ingress-nginx), so the proxy never sends on a socket the gateway is closing.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 72_000;

  /**
   * Bearer token for the operations endpoints, `GET /metrics` and `GET /health/details` (the
   * Prometheus scrape sends it). Empty: those endpoints refuse every caller. `/health` itself
   * stays public with only its status.
   */
  @IsOptional()
  @IsString()
  @Matches(/^$|^\S{32,}$/, { message: 'OPS_TOKEN must be empty or at least 32 characters without spaces' })
  OPS_TOKEN = '';

  /** Comma-separated origins allowed to call the API from a browser; empty = none. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS = '';

  /** Trust X-Forwarded-* from this many proxies (an ingress controller in front = 1). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  TRUST_PROXY = 0;

  /** Issuer expected in access tokens (user-service signs them). */
  @IsString()
  JWT_ISSUER = 'engage';

  /** Requests per minute allowed per authenticated user, per tenant, and per client IP. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_USER_PER_MIN = 600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_TENANT_PER_MIN = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_IP_PER_MIN = 300;

  /**
   * Also write access-log lines for the liveness, readiness and metrics probes (off: they come
   * every few seconds and say nothing; the benchmark turns it on so that the routes it compares
   * do the same logging).
   */
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  LOG_PROBES = false;

  /**
   * Mounts the benchmark's pair of probe routes, `/bench/probe/public` and
   * `/bench/probe/authenticated`: one handler under both access rules, so that the cost of
   * authentication is measured on the same route (off outside benchmarks).
   */
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  BENCH_PROBES = false;

  /**
   * The realtime WebSocket (`/v1/realtime`, SPEC section 4; see the gateway README). A client has
   * this long after connecting to send its auth frame (SPEC: 10 s), and this long after
   * `{"type":"reauth"}` to send a fresh access token (SPEC: 30 s); either missed closes with 4401.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  REALTIME_AUTH_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  REALTIME_REAUTH_TIMEOUT_MS = 30_000;

  /** Largest client frame, in bytes (an auth frame with its token is about 1 KB); over closes with 1009. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  REALTIME_MAX_FRAME_BYTES = 16_384;

  /**
   * Client frames per socket: a token bucket of this many frames, refilled at this many per
   * second. A client that empties it is flooding and is closed with 1008.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  REALTIME_FRAME_BURST = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  REALTIME_FRAMES_PER_S = 5;

  /**
   * Every this often the gateway pings each socket at the protocol level; one that has not answered
   * the previous ping is dead (a dropped network, a sleeping laptop) and is cut.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  REALTIME_HEARTBEAT_MS = 30_000;

  /**
   * Every this often each socket's access token is checked against the revocation keys again, so a
   * user who is deactivated, logs out or resets their password loses their sockets within seconds.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  REALTIME_REVOCATION_CHECK_MS = 5_000;

  get corsOrigins(): string[] {
    return this.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean);
  }
}
