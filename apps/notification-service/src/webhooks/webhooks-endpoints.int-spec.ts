import { Events } from '@engage/contracts';
import { domainError } from '@engage/testing/kit';
import { envelopeOf, type NotificationKit } from '../test-support/notification-test-kit';
import { type Tenant, useWebhooksHarness } from '../test-support/webhooks-harness';

describe('outbound webhooks (integration)', () => {
  const h = useWebhooksHarness();
  const { modules, wire, newTenant, onStream, contactCreated, deliveriesOf } = h;
  let kit: NotificationKit;
  beforeAll(() => {
    kit = h.kit();
  });

  describe('endpoints', () => {
    it('creates with a secret shown once, lists, updates, deletes; another tenant sees nothing', async () => {
      const { service } = wire();
      const admin = newTenant();
      const created = await service.create(admin, { url: 'https://hooks.example.com/engage', events: ['contact.*', 'call.completed'], description: 'warehouse' });
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(created).toMatchObject({ url: 'https://hooks.example.com/engage', events: ['contact.*', 'call.completed'], description: 'warehouse', active: true });
      const fetched = await service.get(admin, created.id);
      expect(fetched).not.toHaveProperty('secret');
      expect((await service.list(admin)).data.map((e) => e.id)).toEqual([created.id]);

      const updated = await service.update(admin, { id: created.id, events: ['deal.*'], active: false });
      expect(updated).toMatchObject({ events: ['deal.*'], active: false, description: 'warehouse' });

      const other = newTenant();
      expect((await domainError(service.get(other, created.id))).status).toBe(404);
      expect((await domainError(service.update(other, { id: created.id, active: true }))).status).toBe(404);
      expect((await domainError(service.remove(other, created.id))).status).toBe(404);
      expect((await domainError(service.rotateSecret(other, created.id))).status).toBe(404);
      expect((await service.list(other)).data).toEqual([]);

      await service.remove(admin, created.id);
      expect((await domainError(service.get(admin, created.id))).status).toBe(404);
    });

    it('lets managers manage endpoints and refuses reps', async () => {
      const { service } = wire();
      const admin = newTenant();
      const manager = kit.as(admin, 'manager') as Tenant;
      const rep = kit.as(admin, 'rep') as Tenant;
      const created = await service.create(manager, { url: 'https://hooks.example.com/m', events: ['*'] });
      expect((await domainError(service.list(rep))).status).toBe(403);
      expect((await domainError(service.create(rep, { url: 'https://hooks.example.com/r', events: ['*'] }))).status).toBe(403);
      expect((await domainError(service.rotateSecret(rep, created.id))).status).toBe(403);
    });

    it('refuses a tenant whose plan has no webhooks module (403 module_not_enabled), but lets it delete', async () => {
      const { service } = wire();
      const admin = newTenant();
      const created = await service.create(admin, { url: 'https://hooks.example.com/gone', events: ['*'] });
      modules.switchOff(admin.tenantId, 'webhooks');
      expect(await domainError(service.create(admin, { url: 'https://hooks.example.com/x', events: ['*'] }))).toMatchObject({ status: 403, code: 'module_not_enabled' });
      expect((await domainError(service.list(admin))).status).toBe(403);
      expect((await domainError(service.test(admin, created.id))).status).toBe(403);
      await service.remove(admin, created.id);
      modules.switchOn(admin.tenantId, 'webhooks');
      expect((await service.list(admin)).data).toEqual([]);
    });

    it('refuses URLs with credentials, http in production, and more endpoints than the cap', async () => {
      const { service } = wire();
      const admin = newTenant();
      const withCredentials = await domainError(service.create(admin, { url: 'https://user:pw@hooks.example.com/', events: ['*'] }));
      expect(withCredentials.status).toBe(400);
      expect(withCredentials.details).toEqual({ fields: { url: ['must not contain credentials'] } });
      const production = wire({ NODE_ENV: 'production' }).service;
      expect((await domainError(production.create(admin, { url: 'http://hooks.example.com/', events: ['*'] }))).status).toBe(400);
      await expect(production.create(admin, { url: 'https://hooks.example.com/', events: ['*'] })).resolves.toMatchObject({ active: true });
      for (let i = 1; i < 49; i++) await service.create(admin, { url: `https://hooks.example.com/${i}`, events: ['*'] });
      // The last place, asked for ten times at once: exactly one request gets it.
      const racing = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => service.create(admin, { url: `https://hooks.example.com/race-${i}`, events: ['*'] })));
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(racing.every((r) => r.status === 'fulfilled' || (r.reason as { code?: string }).code === 'webhook_limit_reached')).toBe(true);
      const capped = await domainError(service.create(admin, { url: 'https://hooks.example.com/51', events: ['*'] }));
      expect(capped).toMatchObject({ status: 422, code: 'webhook_limit_reached' });
    });

    it('refuses without ENCRYPTION_KEY rather than keep a secret in clear', async () => {
      const { service } = wire({ ENCRYPTION_KEY: undefined });
      expect((await domainError(service.create(newTenant(), { url: 'https://hooks.example.com/', events: ['*'] }))).status).toBe(503);
    });
  });

  describe('deliveries from events', () => {
    it('makes one delivery per event and listening endpoint, also when the event is delivered again', async () => {
      const { service, consumer } = wire();
      const admin = newTenant();
      const contacts = await service.create(admin, { url: 'https://a.example.com/', events: ['contact.*'] });
      const calls = await service.create(admin, { url: 'https://b.example.com/', events: ['call.completed'] });
      const everything = await service.create(admin, { url: 'https://c.example.com/', events: ['*'] });
      const paused = await service.create(admin, { url: 'https://d.example.com/', events: ['*'] });
      await service.update(admin, { id: paused.id, active: false });

      const event = contactCreated(admin);
      expect(await kit.deliver(consumer, consumer.onCrmEvent, event)).toBe('applied');
      expect(await kit.deliver(consumer, consumer.onCrmEvent, event)).toBe('duplicate');
      // Not public: nothing.
      await kit.deliver(consumer, consumer.onCrmEvent, onStream(envelopeOf(Events.crm.pipelineCreated, admin.tenantId, {} as never)));

      const a = await deliveriesOf(service, admin, contacts.id);
      expect(a).toHaveLength(1);
      expect(a[0]).toMatchObject({ event_type: 'contact.created', event_id: event.id, status: 'pending', attempts: 0 });
      expect(await deliveriesOf(service, admin, calls.id)).toHaveLength(0);
      expect(await deliveriesOf(service, admin, everything.id)).toHaveLength(1);
      expect(await deliveriesOf(service, admin, paused.id)).toHaveLength(0);

      // Even bypassing the consumer's inbox, the same event and endpoint are one delivery.
      await kit.db.transaction(admin.tenantId, (tx) => service.enqueue(tx, admin.tenantId, { eventId: event.id, type: 'contact.created', occurredAt: event.occurred_at, data: {} }));
      expect(await deliveriesOf(service, admin, contacts.id)).toHaveLength(1);

      // Another tenant's event reaches none of these endpoints.
      const other = newTenant();
      await kit.deliver(consumer, consumer.onCrmEvent, contactCreated(other));
      expect(await deliveriesOf(service, admin, contacts.id)).toHaveLength(1);
    });
  });

});
