import pino, { type DestinationStream, type Logger } from 'pino';
import { ambientContext } from '@engage/context';

/** Paths that must never reach a log line. */
export const REDACTED_PATHS = [
  'password',
  'new_password',
  'token',
  'access_token',
  'refresh_token',
  'secret',
  'api_key',
  'key',
  'mfa_token',
  'code',
  '*.password',
  '*.new_password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.secret',
  '*.api_key',
  '*.key',
  '*.mfa_token',
  '*.*.token',
  '*.*.password',
  '*.*.refresh_token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export interface LoggerOptions {
  service: string;
  level: string;
  /** Write synchronously (tests, short CLIs); services log asynchronously to keep the hot path fast. */
  sync?: boolean;
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
}

/**
 * One JSON logger per process. Every line carries the service name and, when there is one, the
 * request id and tenant id of the request being served (from the ambient context).
 */
export function createLogger({ service, level, sync = false, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin() {
        const ctx = ambientContext();
        return ctx ? { request_id: ctx.requestId, tenant_id: ctx.tenantId ?? undefined } : {};
      },
    },
    destination ?? pino.destination({ dest: 1, sync }),
  );
}
