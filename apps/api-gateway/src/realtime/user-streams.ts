import type { NatsConnection, Subscription } from 'nats';
import { realtimeSubject, RealtimeEventTypes, type StreamEntry } from '@engage/contracts';
import type { Logger } from '@engage/logging';
import { decodeJson } from '@engage/messaging';

export type EntryListener = (entry: StreamEntry) => void;

/** What a socket holds while it listens to its user's live entries. */
export interface UserStreamMembership {
  /** Resolves once the NATS server has registered the subscription (entries published after that arrive). */
  readonly ready: Promise<void>;
  leave(): void;
}

/** The side of NATS a socket's session listens on: one user's live stream entries. */
export interface LiveEntries {
  join(userId: string, listener: EntryListener): UserStreamMembership;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(RealtimeEventTypes);

/** A live entry as notification-service publishes it, or null for anything else. */
export function parseEntry(data: Uint8Array): StreamEntry | null {
  let value: unknown;
  try {
    value = decodeJson(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { type, seq, data: payload } = value as Record<string, unknown>;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) return null;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  return { type: type as StreamEntry['type'], seq, data: payload as Record<string, unknown> };
}

/**
 * The gateway process's live subscriptions to users' streams: one core NATS subscription per
 * user whose sockets this process holds, shared by all of that user's sockets here, made by the
 * first and dropped with the last. Each message is parsed once and handed to every socket of the
 * user. A process subscribes only for the users it holds, so any number of gateway processes can
 * run side by side, each receiving only its users' entries; nothing is shared between them.
 */
export class UserStreams implements LiveEntries {
  private readonly users = new Map<string, { subscription: Subscription; listeners: Set<EntryListener>; ready: Promise<void> }>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
  ) {}

  join(userId: string, listener: EntryListener): UserStreamMembership {
    let user = this.users.get(userId);
    if (!user) {
      const listeners = new Set<EntryListener>();
      const subscription = this.nc.subscribe(realtimeSubject(userId), {
        callback: (error, msg) => {
          if (error) return;
          const entry = parseEntry(msg.data);
          if (!entry) {
            this.logger.warn({ subject: msg.subject }, 'realtime: malformed stream entry ignored');
            return;
          }
          for (const l of listeners) l(entry);
        },
      });
      // A flush round-trips to the server, which handles our SUB before the PONG: once it resolves,
      // everything published on the subject reaches us, so a read made after it leaves no seam.
      const ready = this.nc.flush().catch(() => undefined);
      user = { subscription, listeners, ready };
      this.users.set(userId, user);
    }
    user.listeners.add(listener);
    const held = user;
    let left = false;
    return {
      ready: held.ready,
      leave: () => {
        if (left) return;
        left = true;
        held.listeners.delete(listener);
        if (held.listeners.size === 0 && this.users.get(userId) === held) {
          this.users.delete(userId);
          held.subscription.unsubscribe();
        }
      },
    };
  }

  /** Sockets of `userId` on this process listening to its one subscription (0: none). */
  socketsOf(userId: string): number {
    return this.users.get(userId)?.listeners.size ?? 0;
  }

  /** Users with a live subscription on this process (for tests and metrics). */
  get subscribedUsers(): number {
    return this.users.size;
  }
}
