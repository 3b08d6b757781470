import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type ContactView, type EventEnvelope, Events } from '@engage/contracts';
import type { TenantContext as Ctx } from '@engage/context';
import { createLogger } from '@engage/logging';
import { KitTenantModules } from '@engage/testing/kit';
import { NotificationConfig } from '../config';
import { envelopeOf, type NotificationKit, startNotificationKit } from './notification-test-kit';
import { WebhookDeliveryWorker } from '../webhooks/delivery-worker';
import { WebhookSender } from '../webhooks/webhook-sender';
import { WebhookSecrets } from '../webhooks/webhook-secrets';
import { WebhookSourcesConsumer } from '../webhooks/webhook-sources.consumer';
import { WebhooksService } from '../webhooks/webhooks.service';
import { WebhookWorkerSignal } from '../webhooks/worker-signal';

export type Tenant = Ctx;

/** What a receiver got: the raw body and the Standard Webhooks headers. */
interface Received {
  body: string;
  headers: Record<string, string>;
  at: number;
}

/** A local HTTP receiver whose answers a test scripts (status, delay, or never answering). */
export class Receiver {
  readonly received: Received[] = [];
  private readonly hanging: ServerResponse[] = [];
  answer: (n: number) => { status: number; headers?: Record<string, string>; body?: string } | 'hang' = () => ({ status: 200 });
  private server!: Server;

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        this.received.push({ body: Buffer.concat(chunks).toString('utf8'), headers, at: Date.now() });
        const a = this.answer(this.received.length);
        if (a === 'hang') {
          this.hanging.push(res);
          return;
        }
        res.writeHead(a.status, a.headers ?? {});
        res.end(a.body ?? 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function until<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const contact = (fields: Partial<ContactView> = {}): ContactView => ({ id: randomUUID(), first_name: 'Ada', last_name: 'Lovelace', emails: ['ada@example.test'], owner_id: null, ...fields }) as ContactView;

/**
 * The webhook pieces of notification-service wired against the real database, local receivers and
 * tenants made per test, registered on the calling spec's lifecycle (endpoints, workers and
 * receivers are cleaned up after each test, since the worker claims across tenants).
 */
export function useWebhooksHarness() {
  let kit!: NotificationKit;
  const encryptionKey = randomBytes(32).toString('base64');
  const receivers: Receiver[] = [];
  const workers: WebhookDeliveryWorker[] = [];
  const tenants: Tenant[] = [];

  const modules = new KitTenantModules();

  /** The pieces, with `overrides` applied to the config (a compressed retry schedule…). */
  function wire(overrides: Partial<NotificationConfig> = {}) {
    const config = Object.assign(new NotificationConfig(), { NODE_ENV: 'test', ENCRYPTION_KEY: encryptionKey, WEBHOOK_TIMEOUT_MS: 2000 }, overrides);
    const secrets = new WebhookSecrets(config);
    const signal = new WebhookWorkerSignal();
    const service = new WebhooksService(kit.db, secrets, signal, config, modules);
    const consumer = new WebhookSourcesConsumer(service);
    const logger = createLogger({ service: 'webhooks-int-spec', level: 'silent', sync: true });
    const worker = new WebhookDeliveryWorker(kit.db, secrets, new WebhookSender(), kit.inbox, signal, logger, config, new SchedulerRegistry());
    workers.push(worker);
    return { config, service, consumer, worker, signal };
  }

  const receiver = async () => {
    const r = await new Receiver().start();
    receivers.push(r);
    return r;
  };

  const newTenant = (role: 'admin' | 'manager' | 'rep' = 'admin') => {
    const t = kit.newTenant(role) as Tenant;
    tenants.push(t);
    return t;
  };

  /** An event as the stream-wide consumers see it (any payload). */
  const onStream = <T>(e: EventEnvelope<T>) => e as unknown as EventEnvelope<Record<string, unknown>>;
  const contactCreated = (tenant: Tenant, c = contact()) => onStream(envelopeOf(Events.crm.contactCreated, tenant.tenantId, { contact: c }));

  const deliveriesOf = async (service: WebhooksService, tenant: Tenant, id: string) => (await service.deliveries(tenant, { id, limit: 200 })).data;

  beforeAll(async () => {
    kit = await startNotificationKit();
  });

  afterEach(async () => {
    // Stop sending (the worker claims across tenants): drop every endpoint this file made.
    const { service } = wire();
    for (const w of workers.splice(0)) await w.onApplicationShutdown();
    for (const t of tenants.splice(0)) {
      const admin = kit.as(t, 'admin') as Tenant;
      for (const e of (await service.list(admin)).data) await service.remove(admin, e.id);
    }
    for (const r of receivers.splice(0)) await r.stop();
  });

  afterAll(() => kit.close());

  return {
    kit: () => kit,
    /** Receivers to stop after the test (one a test started itself, for instance). */
    receivers,
    modules,
    wire,
    receiver,
    newTenant,
    onStream,
    contactCreated,
    deliveriesOf,
  };
}
