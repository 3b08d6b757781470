import { randomUUID } from 'node:crypto';
import type { EventEnvelope, Role, StreamEntry, UserView } from '@engage/contracts';
import { Subjects } from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';
import { NotFoundError } from '@engage/errors';
import { createLogger } from '@engage/logging';
import { type EventHandlerOf, type ProcessOutcome, type RpcClient } from '@engage/messaging';
import { deliverEvent, KitUsers, openServiceDatabase } from '@engage/testing/kit';
import { NotificationConfig } from '../config';
import { notificationServiceDefinition, SCHEMA } from '../database/definition';
import { EmailService } from '../email/email.service';
import { Mailer } from '../email/mailer';
import type { RenderedEmail } from '../email/templates';
import { BroadcastsService } from '../inbox/broadcasts.service';
import { InboxService } from '../inbox/inbox.service';
import { InboxSourcesConsumer } from '../sources/inbox-sources.consumer';
import { RealtimeSourcesConsumer } from '../sources/realtime-sources.consumer';
import { RecordOwners } from '../sources/record-owners';
import { StreamPublisher } from '../stream/stream-publisher';
import { UserStreams } from '../stream/user-streams';

/** The live publishes, as the gateways would receive them. */
export class RecordingPublisher extends StreamPublisher {
  readonly published: Array<{ userId: string; entry: StreamEntry }> = [];
  publish(userId: string, entry: StreamEntry): void {
    this.published.push({ userId, entry });
  }
}

/** Mail kept in memory (the SMTP path itself is tested against the stand-in). */
export class RecordingMailer extends Mailer {
  readonly sent: Array<{ to: string; email: RenderedEmail }> = [];
  async send(to: string, email: RenderedEmail): Promise<boolean> {
    this.sent.push({ to, email });
    return true;
  }
}

/** user-service standing in: users with an email, name, role and active flag, per tenant. */
export class KitDirectory {
  readonly users = new Map<string, { tenantId: string; view: UserView }>();

  add(tenantId: string, userId: string, fields: Partial<UserView> = {}): void {
    const now = new Date().toISOString();
    this.users.set(userId, {
      tenantId,
      view: {
        id: userId,
        email: `${userId.slice(0, 8)}@example.test`,
        full_name: `User ${userId.slice(0, 4)}`,
        role: 'rep',
        is_active: true,
        mfa_enabled: false,
        has_password: true,
        last_login_at: null,
        created_at: now,
        updated_at: now,
        version: 1,
        ...fields,
      },
    });
  }

  /** Answers `user.users.me` and `user.users.list` (pages of 2, to exercise the paging). */
  rpc(): RpcClient {
    const request = async (subject: { subject: string }, payload: { cursor?: string }, ctx: RequestContext) => {
      if (subject.subject === Subjects.user.users.me.subject) {
        const user = this.users.get(ctx.userId ?? '');
        if (!user || user.tenantId !== ctx.tenantId) throw new NotFoundError('User');
        return user.view;
      }
      if (subject.subject === Subjects.user.users.list.subject) {
        const all = [...this.users.values()].filter((u) => u.tenantId === ctx.tenantId).map((u) => u.view);
        const start = Number(payload.cursor ?? 0);
        const page = all.slice(start, start + 2);
        const more = start + 2 < all.length;
        return { data: page, page: { has_more: more, next_cursor: more ? String(start + 2) : null } };
      }
      throw new Error(`unexpected request ${subject.subject}`);
    };
    return { request } as unknown as RpcClient;
  }
}

/**
 * notification-service wired by hand against the real database as the runtime role (row-level
 * security applies), with user-service, NATS publishing and the mail server standing in. Events
 * go through the real durable-consumer path (inbox, versions, transaction).
 */
export async function startNotificationKit(overrides: Partial<NotificationConfig> = {}) {
  const db = await openServiceDatabase(notificationServiceDefinition, 12);
  const users = new KitUsers();
  const directory = new KitDirectory();
  const publisher = new RecordingPublisher();
  const mailer = new RecordingMailer();
  const config = Object.assign(new NotificationConfig(), { APP_URL: 'http://app.engage.test' }, overrides);
  const logger = createLogger({ service: 'notification-int-spec', level: 'silent', sync: true });
  const streams = new UserStreams(db, publisher);
  const email = new EmailService(mailer, directory.rpc(), config, logger);
  const inbox = new InboxService(db, streams, email);
  const broadcasts = new BroadcastsService(db, inbox, directory.rpc());
  const owners = new RecordOwners();
  const realtime = new RealtimeSourcesConsumer(streams, owners, inbox);
  const sources = new InboxSourcesConsumer(inbox, owners);

  /** Delivers `envelope` to `handler` as JetStream would (see deliverEvent). */
  const deliver = <T>(instance: object, handler: EventHandlerOf<T>, envelope: EventEnvelope<T>): Promise<ProcessOutcome> =>
    deliverEvent({ db, schema: SCHEMA, logger }, instance, handler, envelope);

  /** A new tenant with a signed-in caller of `role`, known to the stand-in directory. */
  const newTenant = (role: Role = 'admin'): TenantContext => {
    const ctx = users.newTenant(role);
    directory.add(ctx.tenantId, ctx.userId as string, { role });
    return ctx;
  };
  const as = (ctx: TenantContext, role: Role, userId: string = randomUUID()): TenantContext => {
    if (!directory.users.has(userId)) directory.add(ctx.tenantId, userId, { role });
    return users.as(ctx, role, userId);
  };

  return {
    db,
    config,
    directory,
    publisher,
    mailer,
    streams,
    email,
    inbox,
    broadcasts,
    realtime,
    sources,
    deliver,
    newTenant,
    as,
    close: () => db.close(),
  };
}

export type NotificationKit = Awaited<ReturnType<typeof startNotificationKit>>;

export { envelopeOf } from '@engage/testing/kit';
