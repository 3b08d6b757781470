import { connect, type NatsConnection } from 'nats';
import type { Logger } from '@engage/logging';

export interface NatsConnectOptions {
  servers: string[];
  /** The process's own NATS user (permissions limited to its subjects), or a token. */
  user?: string;
  pass?: string;
  token?: string;
  /** TLS: the CA that signed the servers' certificates, and a client certificate for mutual TLS. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Shown in NATS monitoring; the service name. */
  name: string;
  logger: Logger;
}

/**
 * Connects to NATS and keeps reconnecting forever: a NATS restart must never take a service
 * down, only pause it. Status changes are logged.
 */
export async function connectNats({ servers, name, logger, user, pass, token, tls }: NatsConnectOptions): Promise<NatsConnection> {
  const nc = await connect({
    servers,
    name,
    ...(user ? { user, pass } : {}),
    ...(token ? { token } : {}),
    ...(tls ? { tls } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    pingInterval: 10_000,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'pingTimer') continue;
      // An 'error' is what the server refused, e.g. a publish outside this user's permissions.
      if (status.type === 'error') logger.warn({ nats: status.type, data: describeNatsError(status.data) }, 'nats refused an operation');
      else logger.info({ nats: status.type, data: typeof status.data === 'string' ? status.data : undefined }, 'nats status');
    }
  })();
  return nc;
}

/**
 * What the server refused, in words: for a permission violation the operation and subject
 * (`publish user.users.delete`), else the error's code or message.
 */
export function describeNatsError(error: unknown): string {
  const e = error as { code?: string; message?: string; permissionContext?: { operation: string; subject: string } };
  if (e?.permissionContext) return `${e.code ?? 'PERMISSIONS_VIOLATION'}: ${e.permissionContext.operation} ${e.permissionContext.subject}`;
  return String(e?.message ?? e?.code ?? error);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value ?? null));
export const decodeJson = <T>(data: Uint8Array): T => (data.length === 0 ? (undefined as T) : (JSON.parse(decoder.decode(data)) as T));

const DATA_REPLY_PREFIX = encoder.encode('{"data":');

/** A successful RPC reply: `{"data":<result>}`, always in that form (see {@link dataOfReply}). */
export const encodeDataReply = (result: unknown): Uint8Array => encodeJson({ data: result ?? null });

/**
 * The result of a reply {@link encodeDataReply} wrote, as JSON bytes, without parsing it; null for
 * any other reply (an error envelope). The bytes are a view of the reply, not a copy.
 */
export function dataOfReply(reply: Uint8Array): Uint8Array | null {
  if (reply.length <= DATA_REPLY_PREFIX.length || reply[reply.length - 1] !== 0x7d) return null;
  for (let i = 0; i < DATA_REPLY_PREFIX.length; i++) if (reply[i] !== DATA_REPLY_PREFIX[i]) return null;
  return reply.subarray(DATA_REPLY_PREFIX.length, reply.length - 1);
}
