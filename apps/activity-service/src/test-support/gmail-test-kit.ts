import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Registry } from 'prom-client';
import { control as standInControl } from '@engage/providers/gmail/test-kit';
import { type GmailFixture, type GmailStandIn, startGmailStandIn } from '@engage/providers/gmail';
import type { TenantContext } from '@engage/context';
import { createLogger } from '@engage/logging';
import { OutboxWriter } from '@engage/messaging';
import { KitTenantModules, KitUsers, openServiceDatabase, outboxEvents } from '@engage/testing/kit';
import { ActivitiesRepository } from '../activities/activities.repository';
import { ActivitiesService } from '../activities/activities.service';
import { ActivityConfig } from '../config';
import { activityServiceDefinition, SCHEMA } from '../database/definition';
import { ContactMatcher } from '../gmail/contact-matcher';
import { GmailConnectionsRepository } from '../gmail/gmail-connections.repository';
import { GmailConnectionsService } from '../gmail/gmail-connections.service';
import { GmailCredentials } from '../gmail/gmail-credentials';
import { GmailSettingsRepository } from '../gmail/gmail-settings.repository';
import { GmailSettingsService } from '../gmail/gmail-settings.service';
import { GmailSync } from '../gmail/gmail-sync';
import { GoogleMail } from '../gmail/google-mail';
import { TimelineWriter } from '../timeline/timeline-writer';
import { KitCrmRecords } from './activity-test-kit';

/** Mailboxes of the stand-in's default fixture (tools/providers/gmail/default-fixture.ts): two reps of one tenant. */
export const ALICE = 'alice@engage.test';
export const BOB = 'bob@engage.test';

/** crm-service's contacts, standing in: addresses → contact ids per tenant. */
export class KitContactMatcher extends ContactMatcher {
  private readonly byTenant = new Map<string, Map<string, string[]>>();
  calls = 0;

  add(tenantId: string, email: string, contactId: string): void {
    const contacts = this.byTenant.get(tenantId) ?? new Map<string, string[]>();
    contacts.set(email, [...(contacts.get(email) ?? []), contactId]);
    this.byTenant.set(tenantId, contacts);
  }

  async match(tenantId: string, emails: readonly string[]): Promise<Map<string, string[]>> {
    this.calls++;
    const contacts = this.byTenant.get(tenantId) ?? new Map<string, string[]>();
    return new Map(emails.filter((e) => contacts.has(e)).map((e) => [e, contacts.get(e)!]));
  }
}

/**
 * Gmail sync wired by hand against the real database (runtime role, row-level security) and a
 * Gmail stand-in of its own, whose pushes reach {@link GmailConnectionsService.push} through a
 * small HTTP endpoint the way the gateway's POST /webhooks/gmail forwards them.
 */
export async function startGmailKit(options: { fixture?: GmailFixture; config?: Partial<ActivityConfig> } = {}) {
  const webhook: { service?: GmailConnectionsService } = {};
  const pushServer: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
      webhook.service!.push(token, body).then(
        () => res.writeHead(204).end(),
        (error: { status?: number }) => res.writeHead(error.status ?? 500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => pushServer.listen(0, '127.0.0.1', () => resolve()));
  const pushUrl = `http://127.0.0.1:${(pushServer.address() as AddressInfo).port}/webhooks/gmail`;
  const standIn: GmailStandIn = await startGmailStandIn({ port: 0, pushUrl, fixture: options.fixture, pushRetry: { attempts: 1, delayMs: 10 } });
  const d = standIn.describe();

  const config = Object.assign(new ActivityConfig(), {
    GMAIL_CLIENT_ID: standIn.clientId,
    GMAIL_CLIENT_SECRET: standIn.clientSecret,
    GMAIL_AUTH_URL: String(d.authUrl),
    GMAIL_TOKEN_URL: String(d.tokenUrl),
    GMAIL_REVOKE_URL: String(d.revokeUrl),
    GMAIL_TOKEN_INFO_URL: String(d.tokenInfoUrl),
    GMAIL_GMAIL_ROOT_URL: String(d.gmailRootUrl),
    GMAIL_PUSH_TOKEN: standIn.pushToken,
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    GMAIL_POLL_INTERVAL_MS: 60_000,
    ...options.config,
  });
  const db = await openServiceDatabase(activityServiceDefinition, 8);
  const logger = createLogger({ service: 'gmail-int-spec', level: 'silent', sync: true });
  const users = new KitUsers();
  const modules = new KitTenantModules();
  const contacts = new KitContactMatcher();
  const outbox = new OutboxWriter(SCHEMA);
  const connections = new GmailConnectionsRepository(db);
  const google = new GoogleMail(config);
  const credentials = new GmailCredentials(config);
  const activitiesRepository = new ActivitiesRepository(db);
  const timeline = new TimelineWriter(activitiesRepository, outbox);
  const records = new KitCrmRecords();
  const activities = new ActivitiesService(db, activitiesRepository, records, users, outbox);
  const settingsRepository = new GmailSettingsRepository(db);
  const settings = new GmailSettingsService(db, settingsRepository, activities, credentials, config, logger);
  /** A replica's sync (tests make two to stand for two replicas). */
  const newSync = () =>
    new GmailSync(db, connections, google, credentials, contacts, timeline, settings, settingsRepository, outbox, config, logger, new Registry(), new SchedulerRegistry());
  const sync = newSync();
  const service = new GmailConnectionsService(db, connections, google, credentials, sync, modules, outbox, config, logger);
  webhook.service = service;

  const control = <T = Record<string, unknown>>(path: string, body?: unknown) => standInControl<T>(standIn, path, body);

  /** Opens the consent screen as `ctx`, consents as `email`, and returns what Google hands back. */
  async function consentAs(ctx: TenantContext, email: string): Promise<{ code: string; state: string }> {
    const { url } = await service.authorizeUrl(ctx);
    const res = await fetch(`${url}&login_hint=${encodeURIComponent(email)}`, { redirect: 'manual' });
    const back = new URL(res.headers.get('location')!).searchParams;
    return { code: back.get('code')!, state: back.get('state')! };
  }

  /** Connects `email` as `ctx` and waits for the first sync to end. */
  async function connectAs(ctx: TenantContext, email: string) {
    const view = await service.connect(ctx, await consentAs(ctx, email));
    await sync.idle();
    return view;
  }

  /** A tenant with Alice and Bob as reps and the default fixture's correspondents as contacts. */
  function tenantWithContacts() {
    const alice = users.newTenant('rep');
    const bob = users.as(alice, 'rep');
    const contact = (email: string) => {
      const id = randomUUID();
      contacts.add(alice.tenantId, email, id);
      return id;
    };
    return {
      alice,
      bob,
      dana: contact('dana@customer.test'),
      frank: contact('frank@prospect.test'),
      gina: contact('gina@kunde.test'),
      legacy: contact('legacy@oldsystem.test'),
      noreply: contact('noreply@tool.test'),
    };
  }

  return {
    standIn,
    config,
    tenantWithContacts,
    db,
    users,
    modules,
    contacts,
    connections,
    credentials,
    settings,
    activities,
    sync,
    newSync,
    service,
    control,
    consentAs,
    connectAs,
    newTenant: () => users.newTenant('rep'),
    events: (tenantId: string) => outboxEvents(db, SCHEMA, tenantId),
    /** The tenant's email activities, oldest first. */
    emails: (tenantId: string) =>
      db.transaction(tenantId, (tx) =>
        tx.query<{ id: string; contact_id: string; actor_id: string; subject: string; body: string | null; payload: Record<string, unknown>; occurred_at: Date }>(
          `SELECT id, contact_id, actor_id, subject, body, payload, occurred_at FROM activity.activities WHERE tenant_id = $1 AND type = 'email' ORDER BY occurred_at, id`,
          [tenantId],
        ),
      ),
    async close() {
      await sync.onApplicationShutdown();
      await standIn.stop();
      await new Promise<void>((resolve) => pushServer.close(() => resolve()));
      await db.close();
    },
  };
}

export type GmailKit = Awaited<ReturnType<typeof startGmailKit>>;
