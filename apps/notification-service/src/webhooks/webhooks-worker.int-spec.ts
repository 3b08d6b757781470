import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { ContactView } from '@engage/contracts';
import { domainError } from '@engage/testing/kit';
import type { NotificationKit } from '../test-support/notification-test-kit';
import { contact, Receiver, until, useWebhooksHarness } from '../test-support/webhooks-harness';

describe('outbound webhooks (integration)', () => {
  const h = useWebhooksHarness();
  const { wire, receiver, receivers, newTenant, contactCreated, deliveriesOf } = h;
  let kit: NotificationKit;
  beforeAll(() => {
    kit = h.kit();
  });

  describe('the delivery worker', () => {
    it('signs per Standard Webhooks: verified by the standardwebhooks package', async () => {
      const { service, consumer, worker } = wire();
      const admin = newTenant();
      const r = await receiver();
      const endpoint = await service.create(admin, { url: r.url, events: ['contact.created'] });
      const c = contact();
      const event = contactCreated(admin, c);
      await kit.deliver(consumer, consumer.onCrmEvent, event);
      await worker.poll();
      await worker.idle();
      expect(r.received).toHaveLength(1);
      const got = r.received[0];
      const payload = new Webhook(endpoint.secret).verify(got.body, got.headers) as { type: string; timestamp: string; data: { contact: ContactView } };
      expect(payload).toEqual({ type: 'contact.created', timestamp: event.occurred_at, data: { contact: c } });
      const [delivery] = await deliveriesOf(service, admin, endpoint.id);
      expect(got.headers['webhook-id']).toBe(delivery.webhook_id);
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, response_status: 200, response_body: 'ok', next_attempt_at: null });
      expect(delivery.latency_ms).toBeGreaterThanOrEqual(0);
    });

    it('retries a failing receiver with back-off until it succeeds: four attempts, one webhook-id, each signed', async () => {
      const { service, worker, signal } = wire({ WEBHOOK_RETRY_SCHEDULE_MS: '100,100,100,100', WEBHOOK_POLL_INTERVAL_MS: 50 });
      signal.listen(() => void worker.poll());
      const admin = newTenant();
      const r = await receiver();
      r.answer = (n) => (n === 2 ? { status: 429, headers: { 'retry-after': '0' } } : n <= 3 ? { status: 503 } : { status: 204 });
      const endpoint = await service.create(admin, { url: r.url, events: ['*'] });
      await service.test(admin, endpoint.id);
      const delivery = await until(async () => {
        await worker.poll();
        const [d] = await deliveriesOf(service, admin, endpoint.id);
        return d.status === 'succeeded' ? d : null;
      });
      await worker.idle();
      expect(delivery).toMatchObject({ attempts: 4, response_status: 204, last_error: null });
      expect(r.received).toHaveLength(4);
      expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
      for (const x of r.received) expect(new Webhook(endpoint.secret).verify(x.body, x.headers)).toMatchObject({ type: 'webhook.test' });
      // Back-off: no retry came sooner than the schedule's delay less its jitter.
      for (let i = 1; i < 4; i++) expect(r.received[i].at - r.received[i - 1].at).toBeGreaterThanOrEqual(75);
    });

    it('does not retry a 4xx other than 408/409/429: final after one attempt', async () => {
      const { service, worker } = wire({ WEBHOOK_RETRY_SCHEDULE_MS: '50' });
      const admin = newTenant();
      const r = await receiver();
      r.answer = () => ({ status: 410, body: 'x'.repeat(5000) });
      const endpoint = await service.create(admin, { url: r.url, events: ['*'] });
      await service.test(admin, endpoint.id);
      await worker.poll();
      await worker.idle();
      await new Promise((res) => setTimeout(res, 150));
      await worker.poll();
      await worker.idle();
      const [d] = await deliveriesOf(service, admin, endpoint.id);
      expect(d).toMatchObject({ status: 'failed', attempts: 1, response_status: 410, last_error: 'HTTP 410', next_attempt_at: null });
      expect(d.response_body?.length).toBe(1024);
      expect(r.received).toHaveLength(1);
    });

    it('dead-letters after the last try, with the last error', async () => {
      const { service, worker } = wire({ WEBHOOK_RETRY_SCHEDULE_MS: '50,50', WEBHOOK_BREAKER_THRESHOLD: 100 });
      const admin = newTenant();
      const r = await receiver();
      r.answer = () => ({ status: 500, body: 'boom' });
      const endpoint = await service.create(admin, { url: r.url, events: ['*'] });
      await service.test(admin, endpoint.id);
      const d = await until(async () => {
        await worker.poll();
        const [x] = await deliveriesOf(service, admin, endpoint.id);
        return x.status === 'dead' ? x : null;
      });
      expect(d).toMatchObject({ attempts: 3, response_status: 500, response_body: 'boom', last_error: 'HTTP 500', next_attempt_at: null });
      expect(r.received).toHaveLength(3);
    });

    it('records a receiver that refuses connections and retries it; a restart mid-back-off still delivers', async () => {
      const first = wire({ WEBHOOK_RETRY_SCHEDULE_MS: '300,300' });
      const admin = newTenant();
      const r = await receiver();
      const url = r.url;
      await r.stop();
      receivers.pop();
      const endpoint = await first.service.create(admin, { url, events: ['*'] });
      await first.service.test(admin, endpoint.id);
      await first.worker.poll();
      await first.worker.idle();
      const [failed] = await deliveriesOf(first.service, admin, endpoint.id);
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, response_status: null });
      expect(failed.last_error).toMatch(/ECONNREFUSED/);
      expect(failed.next_attempt_at).not.toBeNull();
      // The service stops here; its state is all in the database.
      await first.worker.onApplicationShutdown();

      const back = new Receiver();
      await back.start();
      receivers.push(back);
      await first.service.update(admin, { id: endpoint.id, url: back.url });
      const second = wire({ WEBHOOK_RETRY_SCHEDULE_MS: '300,300' });
      const done = await until(async () => {
        await second.worker.poll();
        const [x] = await deliveriesOf(second.service, admin, endpoint.id);
        return x.status === 'succeeded' ? x : null;
      });
      expect(done.attempts).toBe(2);
      expect(back.received).toHaveLength(1);
    });

    it('resumes a delivery whose sender died mid-send once its lease runs out', async () => {
      const { service, worker } = wire();
      const admin = newTenant();
      const r = await receiver();
      const endpoint = await service.create(admin, { url: r.url, events: ['*'] });
      await service.test(admin, endpoint.id);
      // A claim whose replica vanished: the row is leased ahead, as the worker does, and nobody records it.
      await kit.db.transaction(admin.tenantId, (tx) =>
        tx.query(`UPDATE notification.webhook_deliveries SET next_attempt_at = now() + interval '300 milliseconds' WHERE tenant_id = $1 AND endpoint_id = $2`, [
          admin.tenantId,
          endpoint.id,
        ]),
      );
      await worker.poll();
      await worker.idle();
      expect(r.received).toHaveLength(0);
      await new Promise((res) => setTimeout(res, 350));
      await worker.poll();
      await worker.idle();
      expect(r.received).toHaveLength(1);
      const [d] = await deliveriesOf(service, admin, endpoint.id);
      expect(d).toMatchObject({ status: 'succeeded', attempts: 1 });
    });

    it('keeps a hanging receiver from delaying another endpoint (per-endpoint limit)', async () => {
      const { service, worker, signal } = wire({ WEBHOOK_TIMEOUT_MS: 1500, WEBHOOK_ENDPOINT_CONCURRENCY: 2 });
      signal.listen(() => void worker.poll());
      const admin = newTenant();
      const slow = await receiver();
      slow.answer = () => 'hang';
      const fast = await receiver();
      const slowEndpoint = await service.create(admin, { url: slow.url, events: ['contact.*'] });
      const fastEndpoint = await service.create(admin, { url: fast.url, events: ['contact.*'] });
      const started = Date.now();
      for (let i = 0; i < 6; i++) {
        await kit.db.transaction(admin.tenantId, (tx) =>
          service.enqueue(tx, admin.tenantId, { eventId: randomUUID(), type: 'contact.created', occurredAt: new Date().toISOString(), data: { i } }),
        );
        await worker.poll();
      }
      await until(() => fast.received.length === 6, 3000);
      // Sooner than the hanging endpoint's 1.5 s timeout: nothing waited for it.
      expect(Date.now() - started).toBeLessThan(1400);
      // The hanging endpoint has exactly its limit in flight, the rest wait their turn.
      expect(slow.received).toHaveLength(2);
      // (The receiver has the sixth request a moment before the worker records its answer.)
      await until(async () => (await deliveriesOf(service, admin, fastEndpoint.id)).every((d) => d.status === 'succeeded'), 3000);
      const slowLog = await deliveriesOf(service, admin, slowEndpoint.id);
      expect(slowLog.filter((d) => d.attempts === 0)).toHaveLength(6);
    });

    it('opens the circuit breaker after consecutive failures and moves the endpoint’s due deliveries', async () => {
      const { service, worker } = wire({ WEBHOOK_RETRY_SCHEDULE_MS: '50,50,50', WEBHOOK_BREAKER_THRESHOLD: 2, WEBHOOK_BREAKER_PAUSE_MS: 60_000, WEBHOOK_ENDPOINT_CONCURRENCY: 1 });
      const admin = newTenant();
      const r = await receiver();
      r.answer = () => ({ status: 502 });
      const endpoint = await service.create(admin, { url: r.url, events: ['*'] });
      for (let i = 0; i < 3; i++) await service.test(admin, endpoint.id);
      await until(async () => {
        await worker.poll();
        await worker.idle();
        return (await service.get(admin, endpoint.id)).paused_until;
      });
      const paused = await service.get(admin, endpoint.id);
      expect(Date.parse(paused.paused_until as string)).toBeGreaterThan(Date.now() + 50_000);
      const sent = r.received.length;
      expect(sent).toBe(2);
      const log = await deliveriesOf(service, admin, endpoint.id);
      for (const d of log.filter((x) => x.status === 'pending')) expect(Date.parse(d.next_attempt_at as string)).toBeGreaterThanOrEqual(Date.parse(paused.paused_until as string) - 1000);
      await new Promise((res) => setTimeout(res, 200));
      await worker.poll();
      await worker.idle();
      expect(r.received).toHaveLength(sent);
      // A success closes it: re-enabling or a good answer resets the streak.
      r.answer = () => ({ status: 200 });
      const [first] = log;
      await service.redeliver(admin, endpoint.id, first.id);
      await kit.db.transaction(admin.tenantId, (tx) => tx.query(`UPDATE notification.webhook_endpoints SET paused_until = NULL WHERE tenant_id = $1`, [admin.tenantId]));
      await worker.poll();
      await worker.idle();
      expect((await service.get(admin, endpoint.id)).paused_until).toBeNull();
    });

    it('disables an endpoint that has failed everything for days and notifies its creator', async () => {
      const { service, worker } = wire({ WEBHOOK_RETRY_SCHEDULE_MS: '60000', WEBHOOK_BREAKER_THRESHOLD: 100 });
      const admin = newTenant();
      const r = await receiver();
      r.answer = () => ({ status: 500 });
      const endpoint = await service.create(admin, { url: r.url, events: ['*'] });
      await kit.db.transaction(admin.tenantId, (tx) =>
        tx.query(`UPDATE notification.webhook_endpoints SET failing_since = now() - interval '4 days', consecutive_failures = 40 WHERE tenant_id = $1`, [admin.tenantId]),
      );
      await service.test(admin, endpoint.id);
      await worker.poll();
      await worker.idle();
      expect(await service.get(admin, endpoint.id)).toMatchObject({ active: false, disabled_reason: 'failing' });
      const inbox = await kit.inbox.list(admin, {});
      expect(inbox.data).toEqual([expect.objectContaining({ kind: 'webhook_disabled', data: { webhook_endpoint_id: endpoint.id, url: r.url } })]);
      // Re-enabling starts afresh.
      expect(await service.update(admin, { id: endpoint.id, active: true })).toMatchObject({ active: true, disabled_reason: null });
    });

    it('signs with both secrets during a rotation’s overlap, then with the new one only', async () => {
      const { service, worker } = wire();
      const admin = newTenant();
      const r = await receiver();
      const endpoint = await service.create(admin, { url: r.url, events: ['*'] });
      const rotated = await service.rotateSecret(admin, endpoint.id);
      expect(rotated.secret).not.toBe(endpoint.secret);
      expect(Date.parse(rotated.previous_secret_expires_at as string)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
      await service.test(admin, endpoint.id);
      await worker.poll();
      await worker.idle();
      const got = r.received[0];
      expect(got.headers['webhook-signature'].split(' ')).toHaveLength(2);
      expect(() => new Webhook(endpoint.secret).verify(got.body, got.headers)).not.toThrow();
      expect(() => new Webhook(rotated.secret).verify(got.body, got.headers)).not.toThrow();

      const noOverlap = wire({ WEBHOOK_ROTATION_OVERLAP_MS: 0 });
      const again = await noOverlap.service.rotateSecret(admin, endpoint.id);
      await noOverlap.service.test(admin, endpoint.id);
      await noOverlap.worker.poll();
      await noOverlap.worker.idle();
      const last = r.received[1];
      expect(last.headers['webhook-signature'].split(' ')).toHaveLength(1);
      expect(() => new Webhook(again.secret).verify(last.body, last.headers)).not.toThrow();
      expect(() => new Webhook(rotated.secret).verify(last.body, last.headers)).toThrow();
    });

    it('redelivers a delivery with the same webhook-id and a fresh schedule; 404 for another endpoint’s', async () => {
      const { service, worker } = wire({ WEBHOOK_RETRY_SCHEDULE_MS: '50' });
      const admin = newTenant();
      const r = await receiver();
      r.answer = (n) => (n === 1 ? { status: 400 } : { status: 200 });
      const endpoint = await service.create(admin, { url: r.url, events: ['*'] });
      const other = await service.create(admin, { url: r.url, events: ['*'] });
      const test = await service.test(admin, endpoint.id);
      await worker.poll();
      await worker.idle();
      expect((await deliveriesOf(service, admin, endpoint.id))[0]).toMatchObject({ status: 'failed', attempts: 1 });
      expect((await domainError(service.redeliver(admin, other.id, test.id))).status).toBe(404);
      expect((await domainError(service.redeliver(newTenant(), endpoint.id, test.id))).status).toBe(404);
      const again = await service.redeliver(admin, endpoint.id, test.id);
      expect(again).toMatchObject({ status: 'pending', webhook_id: test.webhook_id });
      await worker.poll();
      await worker.idle();
      expect((await deliveriesOf(service, admin, endpoint.id))[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([test.webhook_id, test.webhook_id]);
    });
  });
});
