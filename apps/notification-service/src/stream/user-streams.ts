import { Injectable } from '@nestjs/common';
import type { ReadStreamReply, ReadStreamRequest, RealtimeEventType, StreamEntry } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertSignedIn } from '@engage/access';
import { afterCommit, TenantDatabase, type Tx } from '@engage/database';
import { ValidationError } from '@engage/errors';
import { StreamPublisher } from './stream-publisher';

/** Entries per read when the caller names no limit, and at most. */
export const DEFAULT_READ_LIMIT = 100;
export const MAX_READ_LIMIT = 500;

interface ReadRow {
  latest: string | null;
  oldest: string | null;
  entries: Array<{ seq: string | number; type: RealtimeEventType; data: Record<string, unknown> }>;
}

/**
 * Each user's realtime stream (SPEC section 4): an ordered log with a per-user `seq` that starts
 * at 1, has no gaps and never repeats. Every source of entries appends through {@link append},
 * inside the transaction of the event that caused it (the consumer's inbox row, the notification
 * row), so an entry exists exactly when its cause was recorded; the live publish happens only
 * after that transaction commits. The gateway reads after a client's `after` through {@link read}.
 */
@Injectable()
export class UserStreams {
  constructor(
    private readonly db: TenantDatabase,
    private readonly publisher: StreamPublisher,
  ) {}

  /**
   * Appends an entry to the user's stream in `tx` and publishes it live once `tx` commits.
   *
   * The upsert takes the row lock of the user's `user_streams` row (creating it on first use), so
   * two transactions appending for one user take turns: the second gets the next seq only after
   * the first committed (or rolled back, and then it reuses the seq the first would have had).
   * That is what keeps seqs gap-free and makes entries become visible in seq order.
   */
  async append(tx: Tx, tenantId: string, userId: string, type: RealtimeEventType, data: Record<string, unknown>): Promise<StreamEntry> {
    const rows: Array<{ seq: string }> = await tx.query(
      `WITH bumped AS (
         INSERT INTO notification.user_streams AS s (tenant_id, user_id, seq) VALUES ($1, $2, 1)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET seq = s.seq + 1
         RETURNING seq)
       INSERT INTO notification.stream_entries (tenant_id, user_id, seq, type, data)
       SELECT $1, $2, seq, $3, $4::jsonb FROM bumped RETURNING seq`,
      [tenantId, userId, type, JSON.stringify(data)],
    );
    const entry: StreamEntry = { type, seq: Number(rows[0].seq), data };
    afterCommit(tx, () => this.publisher.publish(userId, entry));
    return entry;
  }

  /**
   * The caller's own entries after `after`, in seq order, at most `limit` (capped at 500), read in
   * one statement (one snapshot) with the latest seq and the oldest retained one. `reset` when the
   * entries right after `after` were purged by retention, or `after` lies beyond the latest seq
   * (a client from another database, or one that invented a seq): the client reloads and
   * continues from `latest_seq`.
   */
  async read(ctx: RequestContext, request: ReadStreamRequest): Promise<ReadStreamReply> {
    assertSignedIn(ctx);
    const after = request?.after ?? 0;
    const limit = request?.limit ?? DEFAULT_READ_LIMIT;
    if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0) {
      throw new ValidationError('after must be null or a seq (a whole number, 0 or more).', { fields: { after: ['must be null or a non-negative integer'] } });
    }
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
      throw new ValidationError('limit must be a whole number, 1 or more.', { fields: { limit: ['must be a positive integer'] } });
    }
    const take = Math.min(limit, MAX_READ_LIMIT);
    const [row] = await this.db.read<ReadRow>(ctx.tenantId, READ_STREAM, [ctx.tenantId, ctx.userId, after, take + 1]);
    const latest = Number(row?.latest ?? 0);
    const oldest = row?.oldest === null || row?.oldest === undefined ? latest + 1 : Number(row.oldest);
    // `after` of 0 (or null) means "from the start of what is retained", never a reset.
    const reset = after > latest || (after > 0 && after < oldest - 1);
    if (reset) return { entries: [], latest_seq: latest, has_more: false, reset: true };
    const entries = (row?.entries ?? []).map((e) => ({ type: e.type, seq: Number(e.seq), data: e.data }));
    return { entries: entries.slice(0, take), latest_seq: latest, has_more: entries.length > take, reset: false };
  }

  /** The caller's latest seq (0 when nothing entered their stream yet). */
  async latest(ctx: RequestContext): Promise<{ latest_seq: number }> {
    assertSignedIn(ctx);
    const [row] = await this.db.read<{ seq: string }>(ctx.tenantId, LATEST_SEQ, [ctx.tenantId, ctx.userId]);
    return { latest_seq: Number(row?.seq ?? 0) };
  }

  /**
   * Deletes stream entries older than `retentionDays`, for every tenant, in bounded batches. The
   * users' latest seqs stay, so seqs never restart and a client behind the purge gets `reset`.
   */
  async purgeExpired(retentionDays: number, batchSize = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.db.acrossTenants('stream_retention', (tx) =>
        tx.query<{ n: number }>(
          `WITH expired AS (SELECT tenant_id, user_id, seq FROM notification.stream_entries
              WHERE created_at < now() - make_interval(days => $1) LIMIT $2)
           DELETE FROM notification.stream_entries e USING expired x
            WHERE e.tenant_id = x.tenant_id AND e.user_id = x.user_id AND e.seq = x.seq RETURNING 1 AS n`,
          [retentionDays, batchSize],
        ),
      );
      total += deleted.length;
      if (deleted.length < batchSize) return total;
    }
  }
}

const READ_STREAM = {
  name: 'notification_read_stream',
  text: `SELECT
      (SELECT seq FROM notification.user_streams WHERE tenant_id = $1 AND user_id = $2) AS latest,
      (SELECT min(seq) FROM notification.stream_entries WHERE tenant_id = $1 AND user_id = $2) AS oldest,
      (SELECT coalesce(json_agg(json_build_object('seq', e.seq, 'type', e.type, 'data', e.data) ORDER BY e.seq), '[]'::json)
         FROM (SELECT seq, type, data FROM notification.stream_entries
                WHERE tenant_id = $1 AND user_id = $2 AND seq > $3::bigint ORDER BY seq LIMIT $4) e) AS entries`,
};

const LATEST_SEQ = {
  name: 'notification_latest_seq',
  text: `SELECT seq FROM notification.user_streams WHERE tenant_id = $1 AND user_id = $2`,
};
