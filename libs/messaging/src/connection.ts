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
