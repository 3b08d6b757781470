import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { EventStreams } from '@engage/contracts';
import { createDataSource, TenantDatabase } from '@engage/database';
import { createLogger } from '@engage/logging';
import { NatsServerProcess, testEnv } from '@engage/testing';
import { ensureStream } from '../jetstream/streams';
import { messagingEntities } from './outbox.entities';
import { OutboxRelay } from './outbox-relay';

/**
 * A malformed outbox row (an envelope that lost its fields) must not hold up the events behind
 * it: it is published as it is, for its consumers to dead-letter, and the queue moves on. (It uses
 * activity's outbox: a relay takes every unpublished row of its schema, and the backbone test
 * relays telephony's at the same time.)
 */
describe('outbox relay with a malformed row', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  const dataSource = createDataSource({ url: testEnv.databaseUrls('activity').app, schema: 'activity', entities: messagingEntities('activity'), applicationName: 'relay-test' });
  const db = new TenantDatabase(dataSource);

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url });
    await ensureStream(await nc.jetstreamManager(), EventStreams.activity, { retentionDays: 1 });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await nc?.close();
    await db.close();
    await nats?.stop();
  });

  it('publishes the rows behind it', async () => {
    const tenant = randomUUID();
    const [bad, good] = [randomUUID(), randomUUID()];
    await db.transaction(tenant, async (tx) => {
      await tx.query(`INSERT INTO activity.outbox (id, tenant_id, subject, envelope) VALUES ($1, $2, 'evt.activity.test.broken', '{}'::jsonb)`, [bad, tenant]);
      const envelope = { id: good, type: 'evt.activity.test.fine', tenant_id: tenant, aggregate_type: 'test', aggregate_id: good, version: 1, payload: {} };
      await tx.query(`INSERT INTO activity.outbox (id, tenant_id, subject, envelope) VALUES ($1, $2, 'evt.activity.test.fine', $3::jsonb)`, [good, tenant, JSON.stringify(envelope)]);
    });
    const relay = new OutboxRelay({ db, listenUrl: testEnv.databaseUrls('activity').app, schema: 'activity', js: nc.jetstream(), logger: createLogger({ service: 'relay-test', level: 'silent' }) });
    await relay.start();
    try {
      await relay.wake();
      const published = await db.acrossTenants('outbox_relay', (tx) =>
        tx.query<{ id: string }>(`SELECT id FROM activity.outbox WHERE id = ANY($1::uuid[]) AND published_at IS NOT NULL`, [[bad, good]]),
      );
      expect(published.map((r) => r.id).sort()).toEqual([bad, good].sort());
    } finally {
      await relay.stop();
    }
  });
});
