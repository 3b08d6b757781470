import { testEnv } from '@engage/testing';
import { KitTenantModules } from '@engage/testing/kit';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { TenantContext } from '@engage/context';
import { createLogger } from '@engage/logging';
import { NotificationConfig } from '../config';
import { type NotificationKit, startNotificationKit } from '../test-support/notification-test-kit';
import { WebhookDeliveryWorker } from './delivery-worker';
import { WebhookSender } from './webhook-sender';
import { WebhookSecrets } from './webhook-secrets';
import { WebhooksService } from './webhooks.service';
import { WebhookWorkerSignal } from './worker-signal';

/**
 * The delivery path at a fixed rate (issue 19's benchmark): events enqueued as the consumers do
 * (one transaction each, the worker woken after commit) to endpoints of 20 tenants pointing at one
 * local receiver; latency = receipt − enqueue. Runs only with ENGAGE_BENCH=1:
 *   ENGAGE_BENCH=1 /work/devtools/jest.sh integration webhooks-throughput
 */
const bench = testEnv.bench();
const run = bench.enabled ? describe : describe.skip;
const RATE = bench.rate;
const SECONDS = bench.seconds;
const TENANTS = 20;

jest.setTimeout(120_000);

run('webhook delivery throughput (benchmark)', () => {
  let kit: NotificationKit;
  let server: Server;
  const latencies: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;

  beforeAll(async () => {
    kit = await startNotificationKit();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const id = String(req.headers['webhook-id']);
        if (seen.has(id)) duplicates++;
        seen.add(id);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { sent_at: number } };
        latencies.push(performance.timeOrigin + performance.now() - body.data.sent_at);
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await kit.close();
  });

  it(`delivers ${RATE}/s for ${SECONDS} s`, async () => {
    const config = Object.assign(new NotificationConfig(), { NODE_ENV: 'test', ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    const secrets = new WebhookSecrets(config);
    const signal = new WebhookWorkerSignal();
    const service = new WebhooksService(kit.db, secrets, signal, config, new KitTenantModules());
    const logger = createLogger({ service: 'webhooks-bench', level: 'silent', sync: true });
    const worker = new WebhookDeliveryWorker(kit.db, secrets, new WebhookSender(), kit.inbox, signal, logger, config, new SchedulerRegistry());
    worker.onApplicationBootstrap();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench`;
    const tenants: TenantContext[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const t = kit.newTenant('admin');
      await service.create(t, { url, events: ['contact.*'] });
      tenants.push(t);
    }
    const total = RATE * SECONDS;
    const tick = 10;
    const perTick = Math.max(1, Math.round((RATE * tick) / 1000));
    const started = Date.now();
    let sent = 0;
    // Open-loop: a tick's events are started on time whatever the previous ones are doing (at most
    // 200 outstanding, like consumers that keep pulling while earlier events commit).
    const outstanding = new Set<Promise<number>>();
    while (sent < total) {
      const batch = Math.min(perTick, total - sent);
      for (let i = 0; i < batch; i++) {
        const t = tenants[(sent + i) % TENANTS];
        const job = kit.db.transaction(t.tenantId, (tx) =>
          service.enqueue(tx, t.tenantId, { eventId: randomUUID(), type: 'contact.created', occurredAt: new Date().toISOString(), data: { sent_at: Date.now() } }),
        );
        outstanding.add(job);
        void job.finally(() => outstanding.delete(job));
      }
      sent += batch;
      while (outstanding.size > 200) await Promise.race(outstanding);
      const due = started + (sent / perTick) * tick;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
    await Promise.all(outstanding);
    const offeredFor = (Date.now() - started) / 1000;
    const deadline = Date.now() + 60_000;
    while (seen.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const drained = (Date.now() - started) / 1000;
    await worker.onApplicationShutdown();
    for (const t of tenants) for (const e of (await service.list(t)).data) await service.remove(t, e.id);
    const sorted = [...latencies].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]?.toFixed(1);
    const report = {
      offered_per_s: Math.round(total / offeredFor),
      delivered: seen.size,
      missing: total - seen.size,
      duplicates,
      p50_ms: pct(50),
      p95_ms: pct(95),
      p99_ms: pct(99),
      max_ms: sorted.at(-1)?.toFixed(1),
      all_delivered_after_s: drained.toFixed(1),
    };
    // The figures for docs/benchmarks.md.
    process.stdout.write(`WEBHOOK BENCH ${JSON.stringify(report)}\n`);
    expect(seen.size).toBe(total);
    expect(duplicates).toBe(0);
  });
});
