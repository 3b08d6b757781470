import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { realtimeSubject, type StreamEntry } from '@engage/contracts';
import type { Logger } from '@engage/logging';
import { encodeJson } from '@engage/messaging';
import { LOGGER, NATS_CONNECTION } from '@engage/service-runtime';

/**
 * The live half of a user's stream: each committed entry, published once on core NATS at
 * `realtimeSubject(userId)` for the gateways holding that user's sockets. Fire and forget: a
 * publish that is lost (NATS down, no gateway listening) costs nothing, because a gateway that
 * sees a seq it did not expect, or a client that reconnects, reads what it missed from the store.
 */
export abstract class StreamPublisher {
  abstract publish(userId: string, entry: StreamEntry): void;
}

@Injectable()
export class NatsStreamPublisher extends StreamPublisher {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  publish(userId: string, entry: StreamEntry): void {
    try {
      this.nc.publish(realtimeSubject(userId), encodeJson(entry));
    } catch (error) {
      this.logger.warn({ err: error, user_id: userId, seq: entry.seq, type: entry.type }, 'live stream publish failed; readers will catch up');
    }
  }
}
