import { afterCommit } from '@engage/database';
import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, nanos, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { EventStreams, type EventEnvelope } from '@engage/contracts';
import { systemContext, type TenantContext } from '@engage/context';
import { createDataSource, TenantDatabase } from '@engage/database';
import { createLogger } from '@engage/logging';
import { NatsServerProcess, testEnv } from '@engage/testing';
import { encodeJson } from '../connection';
import { DurableConsumer, type DurableConsumerOptions } from '../consumer/durable-consumer';
import { ensureStream } from '../jetstream/streams';
import { messagingEntities } from './outbox.entities';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';

/**
 * The event backbone end to end on real servers: outbox rows written in business transactions
 * reach a durable consumer exactly once, although NATS dies in the middle of relaying and the
 * consumer is restarted mid-stream. Runs on the telephony schema's messaging tables (no other
 * test relays from them: a second relay on the same outbox would legitimately take rows away to
 * its own NATS) and a private nats-server that the test stops and restarts.
 */
jest.setTimeout(90_000);

const logger = createLogger({ service: 'backbone-test', level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('outbox → JetStream → durable consumer', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let dataSource: DataSource;
  let db: TenantDatabase;
  const tenantId = randomUUID();
  const ctx: TenantContext = { ...systemContext(), tenantId, userId: randomUUID() };
  const subjectPrefix = `evt.telephony.backbone_${randomUUID().slice(0, 8)}`;
  const writer = new OutboxWriter('telephony');

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    dataSource = createDataSource({ url: testEnv.databaseUrls('telephony').app, schema: 'telephony', entities: messagingEntities('telephony'), applicationName: 'backbone-test' });
    await dataSource.initialize();
    db = new TenantDatabase(dataSource);
    await ensureStream(await nc.jetstreamManager(), EventStreams.telephony, { retentionDays: 1 });
    await ensureStream(await nc.jetstreamManager(), EventStreams.deadLetter, { retentionDays: 1 });
  });

  afterAll(async () => {
    await nc?.close();
    await db?.close();
    await nats?.stop();
  });

  /** Writes `count` events in transactions of ten, as business code would. */
  async function writeEvents(count: number, offset: number) {
    for (let i = 0; i < count; i += 10) {
      await db.transaction(tenantId, (tx) =>
        writer.append(
          tx,
          ctx,
          Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
            subject: `${subjectPrefix}.happened`,
            aggregateType: 'thing',
            aggregateId: randomUUID(),
            version: 1,
            payload: { n: offset + i + j },
          })),
        ),
      );
    }
  }

  const countPublished = async () =>
    Number(
      (
        await db.acrossTenants('outbox_relay', (tx) =>
          tx.query(`SELECT count(*) AS n FROM telephony.outbox WHERE tenant_id = $1 AND published_at IS NOT NULL`, [tenantId]),
        )
      )[0].n,
    );

  /** Publishes one event of this run (`<prefix>.<kind>`) to JetStream, as a relay would. */
  async function publishEvent(kind: string, aggregateId: string, version: number, payload: Record<string, unknown>, tenant = tenantId): Promise<void> {
    const envelope: EventEnvelope = {
      id: randomUUID(),
      type: `${subjectPrefix}.${kind}`,
      tenant_id: tenant,
      aggregate_type: 'thing',
      aggregate_id: aggregateId,
      version,
      occurred_at: new Date().toISOString(),
      actor_id: null,
      request_id: null,
      payload,
    };
    await nc.jetstream().publish(envelope.type, encodeJson(envelope), { msgID: envelope.id });
  }

  /** A consumer of this run's `<prefix>.<kind>` events on the telephony stream, with the test's database, NATS and logger. */
  const consumerOf = async <T,>(kind: string, options: Omit<DurableConsumerOptions<T>, 'stream' | 'filterSubject' | 'schema' | 'db' | 'js' | 'jsm' | 'logger'>) =>
    new DurableConsumer<T>({
      stream: EventStreams.telephony.name,
      filterSubject: `${subjectPrefix}.${kind}`,
      schema: 'telephony',
      db,
      js: nc.jetstream(),
      jsm: await nc.jetstreamManager(),
      logger,
      ...options,
    });

  const inboxCount = (consumer: string) =>
    db.transaction(tenantId, async (tx) => Number((await tx.query(`SELECT count(*) AS n FROM telephony.inbox WHERE consumer = $1`, [consumer]))[0].n));

  it('delivers every event exactly once through a NATS crash and a consumer restart', async () => {
    await writeEvents(200, 0);

    const relay = new OutboxRelay({ db, listenUrl: testEnv.databaseUrls('telephony').app, schema: 'telephony', js: nc.jetstream(), logger, batchSize: 20 });
    await relay.start();
    await until('the relay to publish a first part', async () => (await countPublished()) > 0);

    // NATS dies while the relay is working; business transactions go on committing events.
    await nats.halt();
    await writeEvents(100, 200);
    await sleep(500);
    await nats.resume();
    await until('the relay to publish everything', async () => (await countPublished()) === 300);
    await relay.stop();

    const jsm = await nc.jetstreamManager();
    // No duplicate publish despite the crash: count what the stream holds for this run's subject.
    const probe = await jsm.consumers.add(EventStreams.telephony.name, { filter_subject: `${subjectPrefix}.happened`, ack_policy: AckPolicy.None, inactive_threshold: nanos(30_000) });
    expect(probe.num_pending).toBe(300);
    await jsm.consumers.delete(EventStreams.telephony.name, probe.name);

    // A consumer processes part of the stream, is stopped, and a new instance takes over.
    const name = `backbone-${randomUUID().slice(0, 8)}`;
    const seen: string[] = [];
    const make = () =>
      new DurableConsumer<{ n: number }>({
        name,
        stream: EventStreams.telephony.name,
        filterSubject: `${subjectPrefix}.>`,
        ackWaitMs: 2000,
        schema: 'telephony',
        db,
        js: nc.jetstream(),
        jsm,
        logger,
        handle: async (_tx, event) => {
          seen.push(event.id);
        },
      });
    const first = make();
    await first.start();
    await until('the first consumer to process some events', async () => (await inboxCount(name)) >= 50);
    await first.stop();

    const second = make();
    await second.start();
    await until('every event to be processed', async () => (await inboxCount(name)) === 300);

    // The relay's crash window: the same event published again (outside JetStream's
    // de-duplication) is recognised by its id and changes nothing.
    const replayed = await db.acrossTenants('outbox_relay', async (tx) => {
      return (await tx.query(`SELECT envelope FROM telephony.outbox WHERE tenant_id = $1 LIMIT 1`, [tenantId]))[0].envelope as EventEnvelope;
    });
    await nc.jetstream().publish(replayed.type, encodeJson(replayed), { msgID: randomUUID() });
    await sleep(1500);
    await second.stop();

    expect(await inboxCount(name)).toBe(300);
    expect(seen.length).toBe(300);
    expect(new Set(seen).size).toBe(300);
  });

  it('ignores an event older than the version already applied', async () => {
    const name = `versions-${randomUUID().slice(0, 8)}`;
    const applied: number[] = [];
    const consumer = await consumerOf<{ v: number }>('versioned', {
      name,
      handle: async (_tx, event) => {
        applied.push(event.version);
      },
    });
    await consumer.start();
    const aggregateId = randomUUID();
    for (const version of [1, 3, 2]) {
      await publishEvent('versioned', aggregateId, version, { v: version });
    }
    await until('three events to be recorded', async () => (await inboxCount(name)) === 3);
    await consumer.stop();
    expect(applied).toEqual([1, 3]);
  });

  it('with versions: every and concurrency, handles every event once, several at a time', async () => {
    const name = `every-${randomUUID().slice(0, 8)}`;
    const applied: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const consumer = await consumerOf<{ v: number }>('every', {
      name,
      versions: 'every',
      concurrency: 4,
      handle: async (_tx, event) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await sleep(50);
        applied.push(event.version);
        running--;
      },
    });
    await consumer.start();
    const aggregateId = randomUUID();
    const versions = [5, 1, 3, 2, 4, 8, 7, 6];
    for (const version of versions) {
      await publishEvent('every', aggregateId, version, { v: version });
    }
    await until('eight events to be recorded', async () => (await inboxCount(name)) === 8);
    await consumer.stop();
    // Older versions after newer ones are handled too, each once, and more than one at a time.
    expect([...applied].sort()).toEqual([...versions].sort());
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(4);
  });

  it('in batches, applies each event once; one that fails is rolled back alone (with its after-commit work) and retried', async () => {
    const name = `batch-${randomUUID().slice(0, 8)}`;
    const applied: number[] = [];
    const announced: number[] = [];
    const transactions = new Set<object>();
    let failedOnce = false;
    const consumer = await consumerOf<{ n: number }>('batched', {
      name,
      batch: 16,
      concurrency: 2,
      handle: async (tx, event) => {
        transactions.add(tx);
        afterCommit(tx, () => announced.push(event.payload.n));
        if (event.payload.n === 7 && !failedOnce) {
          failedOnce = true;
          throw new Error('n = 7 fails the first time');
        }
        applied.push(event.payload.n);
      },
    });
    // Queued before the consumer starts, so they arrive together and are batched.
    for (let n = 0; n < 40; n++) {
      await publishEvent('batched', randomUUID(), 1, { n });
    }
    await consumer.start();
    await until('forty events to be recorded', async () => (await inboxCount(name)) === 40);
    await consumer.stop();
    const all = Array.from({ length: 40 }, (_, n) => n);
    // 7's handler ran in its batch too, but was rolled back; it was applied when retried alone.
    expect([...new Set(applied)].sort((a, b) => a - b)).toEqual(all);
    expect(applied.filter((n) => n === 7)).toHaveLength(1);
    expect([...announced].sort((a, b) => a - b)).toEqual(all);
    expect(transactions.size).toBeLessThan(40);
  });

  it('in batches with concurrency, applies one tenant’s events in stream order and other tenants’ beside them', async () => {
    const name = `ordered-${randomUUID().slice(0, 8)}`;
    const others = [randomUUID(), randomUUID(), randomUUID()];
    const applied = new Map<string, number[]>();
    const runningTenants = new Set<string>();
    let sameTenantAtOnce = false;
    let tenantsAtOnce = 0;
    const consumer = await consumerOf<{ n: number }>('ordered', {
      name,
      versions: 'every',
      batch: 4,
      concurrency: 4,
      handle: async (_tx, event) => {
        if (runningTenants.has(event.tenant_id)) sameTenantAtOnce = true;
        runningTenants.add(event.tenant_id);
        tenantsAtOnce = Math.max(tenantsAtOnce, runningTenants.size);
        // Slow, and slower for early events: a second worker taking a later event of the same tenant would overtake it.
        await sleep(event.payload.n < 5 ? 60 : 5);
        applied.set(event.tenant_id, [...(applied.get(event.tenant_id) ?? []), event.payload.n]);
        runningTenants.delete(event.tenant_id);
      },
    });
    await consumer.start();
    // One at a time, as a busy tenant's events arrive, interleaved with other tenants'.
    for (let n = 0; n < 20; n++) {
      await publishEvent('ordered', randomUUID(), 1, { n });
      await publishEvent('ordered', randomUUID(), 1, { n }, others[n % others.length]);
    }
    await until('forty events to be recorded', async () => {
      const counts = await Promise.all([tenantId, ...others].map((t) => db.transaction(t, async (tx) => Number((await tx.query(`SELECT count(*) AS n FROM telephony.inbox WHERE consumer = $1`, [name]))[0].n))));
      return counts.reduce((a, b) => a + b, 0) === 40;
    });
    await consumer.stop();
    expect(applied.get(tenantId)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    for (const other of others) {
      const seen = applied.get(other)!;
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
    expect(sameTenantAtOnce).toBe(false);
    expect(tenantsAtOnce).toBeGreaterThan(1);
  });

  it('with order: aggregate, applies one aggregate’s events in order and other aggregates of the tenant beside them', async () => {
    const name = `by-aggregate-${randomUUID().slice(0, 8)}`;
    const aggregates = [randomUUID(), randomUUID(), randomUUID()];
    const applied = new Map<string, number[]>();
    const running = new Set<string>();
    let sameAggregateAtOnce = false;
    let aggregatesAtOnce = 0;
    const consumer = await consumerOf<{ n: number }>('by-aggregate', {
      name,
      versions: 'every',
      batch: 2,
      concurrency: 4,
      order: 'aggregate',
      handle: async (_tx, event) => {
        if (running.has(event.aggregate_id)) sameAggregateAtOnce = true;
        running.add(event.aggregate_id);
        aggregatesAtOnce = Math.max(aggregatesAtOnce, running.size);
        await sleep(event.payload.n < 6 ? 60 : 5);
        applied.set(event.aggregate_id, [...(applied.get(event.aggregate_id) ?? []), event.payload.n]);
        running.delete(event.aggregate_id);
      },
    });
    await consumer.start();
    for (let n = 0; n < 24; n++) await publishEvent('by-aggregate', aggregates[n % 3], n + 1, { n });
    await until('24 events to be recorded', async () => (await inboxCount(name)) === 24);
    await consumer.stop();
    for (const [i, aggregate] of aggregates.entries()) {
      expect(applied.get(aggregate)).toEqual(Array.from({ length: 8 }, (_, k) => i + 3 * k));
    }
    expect(sameAggregateAtOnce).toBe(false);
    expect(aggregatesAtOnce).toBeGreaterThan(1);
  });

  it('dead-letters an event whose handler keeps failing, with the failure recorded', async () => {
    const name = `failing-${randomUUID().slice(0, 8)}`;
    const dlq = nc.subscribe(`dlq.${name}`, { max: 1 });
    let attempts = 0;
    const consumer = await consumerOf('poison', {
      name,
      maxDeliver: 3,
      handle: async () => {
        attempts += 1;
        throw new Error('projection store rejected the row');
      },
    });
    await consumer.start();
    const envelope: EventEnvelope = {
      id: randomUUID(),
      type: `${subjectPrefix}.poison`,
      tenant_id: tenantId,
      aggregate_type: 'thing',
      aggregate_id: randomUUID(),
      version: 1,
      occurred_at: new Date().toISOString(),
      actor_id: null,
      request_id: null,
      payload: {},
    };
    await nc.jetstream().publish(envelope.type, encodeJson(envelope), { msgID: envelope.id });
    let dead: { headers?: { get(k: string): string } } | undefined;
    for await (const msg of dlq) dead = msg as never;
    await consumer.stop();
    expect(attempts).toBe(3);
    expect(dead?.headers?.get('x-dlq-error')).toContain('projection store rejected the row');
    expect(dead?.headers?.get('x-dlq-deliveries')).toBe('3');
    // The failed effect was rolled back each time: the event is not marked processed.
    expect(await inboxCount(name)).toBe(0);
  });
});
