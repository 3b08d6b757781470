import { rpcSubject } from '../subjects/typed-subject';

/**
 * The realtime contract between notification-service (which owns each user's stream) and the
 * gateway (which holds the sockets), SPEC section 4.
 *
 * notification-service appends every entry of a user's stream in its database, with the next
 * per-user `seq` (1, 2, … without gaps), in the same transaction as the inbox row of the event
 * that caused it, and only after that commits publishes it on core NATS at
 * `realtimeSubject(userId)`. A gateway subscribes there only for the users whose sockets it holds,
 * and reads everything after a client's `after` with `NotificationSubjects.stream.read` (on
 * connect, on resume, and whenever a live entry's seq is not the next one it expected, which is
 * how an entry whose live publish was lost still reaches the client, in order).
 */
export const RealtimeEventTypes = ['notification', 'activity.created', 'call.updated', 'import.progress'] as const;
export type RealtimeEventType = (typeof RealtimeEventTypes)[number];

/** One entry of a user's stream, as the client receives it: `{"type", "seq", "data"}`. */
export interface StreamEntry {
  type: RealtimeEventType;
  seq: number;
  data: Record<string, unknown>;
}

/** Core NATS subject of a user's live stream entries (payload: JSON StreamEntry). */
export const realtimeSubject = (userId: string): string => `rt.user.${userId}`;

/** What the gateway asks for: the caller's (ctx.userId, ctx.tenantId) entries with seq > after. */
export interface ReadStreamRequest {
  /** null or 0: from the start of what is retained. */
  after: number | null;
  /** At most this many entries (the service caps it); `has_more` says whether to ask again. */
  limit?: number;
}

export interface ReadStreamReply {
  entries: StreamEntry[];
  /** The user's latest seq (0 when the stream is empty). */
  latest_seq: number;
  has_more: boolean;
  /**
   * true when `after` is older than what is retained (or beyond latest_seq): the client must reload
   * (`{"type":"reset"}`) and continue from `latest_seq`.
   */
  reset: boolean;
}

export const RealtimeSubjects = {
  stream: {
    read: rpcSubject<ReadStreamRequest, ReadStreamReply>('notification.stream.read'),
  },
} as const;
