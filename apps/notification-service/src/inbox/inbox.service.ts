import { Injectable } from '@nestjs/common';
import {
  type ListNotificationsQuery,
  type NotificationKind,
  NotificationKinds,
  type NotificationPreference,
  type NotificationPreferencesView,
  type NotificationView,
  type Page,
  type ReadAllView,
  type UnreadCountView,
  type UpdateNotificationPreferencesRequest,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertAllowed } from '@engage/access';
import { afterCommit, decodeCursor, isoTime, pageLimit, TenantDatabase, timeOrderedId, toPage, type Tx } from '@engage/database';
import { NotFoundError } from '@engage/errors';
import { EmailService } from '../email/email.service';
import { UserStreams } from '../stream/user-streams';

/** A notification about to be given to one user. */
export interface NewNotification {
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /**
   * What caused it, unique per user (`mention:<activity>`, `event:<event id>`): the same cause
   * delivered twice is one notification.
   */
  sourceKey: string;
}

const NEWEST = '-created_at';
const VIEW = `n.id, n.kind, n.title, n.body, n.data, ${isoTime('n.read_at')} AS read_at, ${isoTime('n.created_at')} AS created_at`;
const TITLE_MAX = 200;

/** Where the user chose nothing: in the inbox, not by email. */
const DEFAULT_PREFERENCE = { in_app: true, email: false };

/**
 * Each user's inbox and their choices of what reaches them and how. Every source (mentions,
 * assignments, finished imports, broadcasts) goes through {@link notify}, in the transaction of
 * the event or request that caused it: the notification row and its realtime entry commit
 * together, and the email (when chosen) goes out only after the commit.
 */
@Injectable()
export class InboxService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly streams: UserStreams,
    private readonly email: EmailService,
  ) {}

  /**
   * Gives `userId` a notification, as their preferences for its kind say: in the inbox and their
   * realtime stream (`in_app`), by email (`email`), both or neither. The view written, or null when
   * nothing entered the inbox (turned off, or this source already notified them).
   */
  async notify(tx: Tx, tenantId: string, userId: string, n: NewNotification): Promise<NotificationView | null> {
    const [preference] = await this.preferencesOf(tx, tenantId, userId, [n.kind]);
    const title = n.title.length > TITLE_MAX ? `${n.title.slice(0, TITLE_MAX - 1)}…` : n.title;
    let view: NotificationView | null = null;
    if (preference.in_app) {
      const rows: NotificationView[] = await tx.query(
        `INSERT INTO notification.notifications AS n (tenant_id, id, user_id, kind, title, body, data, source_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
         ON CONFLICT ON CONSTRAINT notifications_source_key DO NOTHING RETURNING ${VIEW}`,
        [tenantId, timeOrderedId(), userId, n.kind, title, n.body, JSON.stringify(n.data), n.sourceKey],
      );
      view = rows[0] ?? null;
      if (!view) return null;
      await this.streams.append(tx, tenantId, userId, 'notification', { ...view });
    }
    if (preference.email) {
      const mailed: NotificationView = view ?? { id: timeOrderedId(), kind: n.kind, title, body: n.body, data: n.data, read_at: null, created_at: new Date().toISOString() };
      afterCommit(tx, () => this.email.sendNotification(tenantId, userId, mailed));
    }
    return view;
  }

  /** The caller's notifications, newest first, optionally only the unread ones. */
  async list(ctx: RequestContext, query: ListNotificationsQuery): Promise<Page<NotificationView>> {
    assertAllowed(ctx, 'notifications', 'read');
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor, NEWEST, 'timestamp');
    const rows = await this.db.readInTenant<NotificationView & { sort_value: string }>(ctx.tenantId, (_l, bind) => {
      const where = [`n.tenant_id = ${bind(ctx.tenantId)}`, `n.user_id = ${bind(ctx.userId)}`];
      if (query.unread) where.push('n.read_at IS NULL');
      if (after) where.push(`(n.created_at, n.id) < (${bind(String(after.v))}::timestamptz, ${bind(after.id)}::uuid)`);
      return `SELECT ${VIEW}, ${isoTime('n.created_at')} AS sort_value FROM notification.notifications n
               WHERE ${where.join(' AND ')} ORDER BY n.created_at DESC, n.id DESC LIMIT ${bind(limit + 1)}`;
    });
    return toPage(rows, limit, NEWEST);
  }

  /** Marks one of the caller's notifications read (again: no change). Another user's is not found. */
  async markRead(ctx: RequestContext, id: string): Promise<NotificationView> {
    assertAllowed(ctx, 'notifications', 'update');
    const rows = await this.db.transaction(ctx.tenantId, (tx) =>
      tx.query<NotificationView>(
        `UPDATE notification.notifications n SET read_at = coalesce(n.read_at, now())
          WHERE n.tenant_id = $1 AND n.id = $2 AND n.user_id = $3 RETURNING ${VIEW}`,
        [ctx.tenantId, id, ctx.userId],
      ),
    );
    if (!rows[0]) throw new NotFoundError('Notification', id);
    return rows[0];
  }

  async readAll(ctx: RequestContext): Promise<ReadAllView> {
    assertAllowed(ctx, 'notifications', 'update');
    const rows = await this.db.transaction(ctx.tenantId, (tx) =>
      tx.query(`UPDATE notification.notifications SET read_at = now() WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL RETURNING 1`, [
        ctx.tenantId,
        ctx.userId,
      ]),
    );
    return { updated: rows.length };
  }

  async unreadCount(ctx: RequestContext): Promise<UnreadCountView> {
    assertAllowed(ctx, 'notifications', 'read');
    const [row] = await this.db.read<{ n: number }>(ctx.tenantId, UNREAD_COUNT, [ctx.tenantId, ctx.userId]);
    return { unread: Number(row?.n ?? 0) };
  }

  async preferences(ctx: RequestContext): Promise<NotificationPreferencesView> {
    assertAllowed(ctx, 'notifications', 'read');
    const data = await this.db.transaction(ctx.tenantId, (tx) => this.preferencesOf(tx, ctx.tenantId, ctx.userId, NotificationKinds));
    return { data };
  }

  async updatePreferences(ctx: RequestContext, input: UpdateNotificationPreferencesRequest): Promise<NotificationPreferencesView> {
    assertAllowed(ctx, 'notifications', 'update');
    const data = await this.db.transaction(ctx.tenantId, async (tx) => {
      for (const p of input.preferences) {
        await tx.query(
          `INSERT INTO notification.notification_preferences (tenant_id, user_id, kind, in_app, email) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant_id, user_id, kind) DO UPDATE SET in_app = EXCLUDED.in_app, email = EXCLUDED.email, updated_at = now()`,
          [ctx.tenantId, ctx.userId, p.kind, p.in_app, p.email],
        );
      }
      return this.preferencesOf(tx, ctx.tenantId, ctx.userId, NotificationKinds);
    });
    return { data };
  }

  private async preferencesOf(tx: Tx, tenantId: string, userId: string, kinds: readonly NotificationKind[]): Promise<NotificationPreference[]> {
    const rows: NotificationPreference[] = await tx.query(
      `SELECT kind, in_app, email FROM notification.notification_preferences WHERE tenant_id = $1 AND user_id = $2 AND kind = ANY($3::text[])`,
      [tenantId, userId, kinds],
    );
    const chosen = new Map(rows.map((r) => [r.kind, r]));
    return kinds.map((kind) => {
      const row = chosen.get(kind);
      return { kind, in_app: row?.in_app ?? DEFAULT_PREFERENCE.in_app, email: row?.email ?? DEFAULT_PREFERENCE.email };
    });
  }
}

const UNREAD_COUNT = {
  name: 'notification_unread_count',
  text: `SELECT count(*)::int AS n FROM notification.notifications WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL`,
};
