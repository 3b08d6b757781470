import { connect, type NatsConnection } from 'nats';
import type { Logger } from '@engage/logging';

export interface NatsConnectOptions {
  servers: string[];
  /** Shown in NATS monitoring; the service name. */
  name: string;
  logger: Logger;
}

/**
 * Connects to NATS and keeps reconnecting forever: a NATS restart must never take a service
 * down, only pause it. Status changes are logged.
 */
export async function connectNats({ servers, name, logger }: NatsConnectOptions): Promise<NatsConnection> {
  const nc = await connect({
    servers,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    pingInterval: 10_000,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'pingTimer') continue;
      logger.info({ nats: status.type, data: typeof status.data === 'string' ? status.data : undefined }, 'nats status');
    }
  })();
  return nc;
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
