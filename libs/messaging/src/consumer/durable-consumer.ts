import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  headers as natsHeaders,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  nanos,
} from 'nats';
import type { EventEnvelope } from '@engage/contracts';
import { runWithContext, systemContext } from '@engage/context';
import { afterCommitMark, dropAfterCommitSince, type TenantDatabase, type Tx } from '@engage/database';
import type { Logger } from '@engage/logging';
import { decodeJson } from '../connection';
import { isStreamNotFound } from '../jetstream/streams';
import { backoffDelay, retry } from '../retry';

/** A failed event is redelivered after 0.5 s, 1 s, 2 s… up to a minute. */
const REDELIVERY_BACKOFF = { baseMs: 500, maxMs: 60_000 };
/** Waiting for the publisher's stream: every 0.5 s… 2 s, for about a minute and a half. */
const STREAM_WAIT = { attempts: 50, baseMs: 500, maxMs: 2000 };

export interface DurableConsumerOptions<TPayload> {
  /** Durable name: one per purpose (e.g. `activity-timeline`); replicas share it. */
  name: string;
  stream: string;
  /** One subject filter (wildcards allowed); servers before 2.10 accept only one. */
  filterSubject: string;
  /** Deliveries before the event goes to the dead-letter subject. */
  maxDeliver?: number;
  ackWaitMs?: number;
  /**
   * `latest` (default): an event older than the aggregate version already applied is skipped
   * (state projections). `every`: every event is handled once, whatever its version (records of
   * what happened, such as the audit trail).
   */
  versions?: 'latest' | 'every';
  /**
   * Events processed at once (default 1: one after another, in stream order). More suits
   * consumers whose effect does not depend on the order of events of different aggregates (each
   * event is still applied once, in its own transaction): it lets one consumer keep up with a
   * thousand events a second instead of one transaction's round trips at a time.
   */
  concurrency?: number;
  /**
   * Events of one tenant applied in one transaction, at most this many (default 1). Only what has
   * already arrived is batched — a quiet stream still gets each event at once — so under load the
   * commit's cost is shared by up to `batch` events. Each event has its own savepoint: one that
   * fails is rolled back alone and then retried by itself, as without batching. With
   * `concurrency`, that many batches are applied at once, each of a different tenant: one tenant's
   * events are applied in stream order (see `order`).
   */
  batch?: number;
  /**
   * Batch mode with `concurrency`: which events wait for each other (default `tenant`).
   * - `tenant`: a tenant's events are applied in stream order, by one worker at a time (an audit
   *   trail chained per tenant);
   * - `aggregate`: the events of one aggregate (one call, one contact) are, while other aggregates
   *   of the same tenant go on beside them (a call's updates never overtake each other);
   * - `none`: no order at all, for effects that do not depend on what came before (a call
   *   recorded on a timeline carries its own time).
   */
  order?: 'tenant' | 'aggregate' | 'none';
  /** The schema holding this service's inbox and applied_versions tables. */
  schema: string;
  db: TenantDatabase;
  js: JetStreamClient;
  jsm: JetStreamManager;
  logger: Logger;
  /** The effect, inside the same transaction that records the event as processed. */
  handle: (tx: Tx, event: EventEnvelope<TPayload>) => Promise<void>;
}

export type ProcessOutcome = 'applied' | 'duplicate' | 'stale' | 'retry' | 'dead-lettered';

/**
 * A durable, idempotent JetStream pull consumer. For each event, one transaction records the
 * event id in the inbox, checks the aggregate version, and applies the effect: a redelivery
 * (after a crash or a lost ack) finds the id already there and changes nothing; an older version
 * than the one applied is ignored. Failures are retried with back-off up to `maxDeliver`, then
 * the event is published to `dlq.<consumer>` with the failure recorded, and terminated.
 */
export class DurableConsumer<TPayload = Record<string, unknown>> {
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: DurableConsumerOptions<TPayload>) {}

  get name(): string {
    return this.options.name;
  }

  get maxDeliver(): number {
    return this.options.maxDeliver ?? 5;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.ensureConsumer();
    const consumer = await this.options.js.consumers.get(this.options.stream, this.options.name);
    this.messages = await consumer.consume({ max_messages: 64 });
    const messages = this.messages;
    if ((this.options.batch ?? 1) > 1) {
      this.loop = this.batchLoop(messages).catch((error) => this.options.logger.error({ err: error, consumer: this.options.name }, 'consumer loop ended'));
      return;
    }
    const limit = Math.max(1, this.options.concurrency ?? 1);
    const inFlight = new Set<Promise<unknown>>();
    this.loop = (async () => {
      for await (const msg of messages) {
        // One bad event (or a failed dead-letter publish) must never end the loop: the message
        // stays unacknowledged and JetStream redelivers it after ack_wait.
        const work = this.process(msg).catch((error: unknown) =>
          this.options.logger.error({ err: error, consumer: this.options.name, subject: msg.subject }, 'event processing failed'),
        );
        if (limit === 1) {
          await work;
          continue;
        }
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
      // Stopping: the events in hand finish; the rest are redelivered later.
      await Promise.all(inFlight);
    })().catch((error) => this.options.logger.error({ err: error, consumer: this.options.name }, 'consumer loop ended'));
  }

  /**
   * Batch mode: arrivals queue up while transactions are in flight, and the next transaction takes
   * the queued events of the first tenant no other worker is applying (group commit); `concurrency`
   * workers take batches at once, for different tenants. A tenant's events are therefore applied in
   * stream order, one batch after the other, while other tenants' go on beside them: consumers whose
   * effect depends on what came before (an audit entry's `before`, a user's realtime stream) stay
   * right however busy the stream is. When the stream stops, the queued events are finished first.
   */
  private async batchLoop(messages: ConsumerMessages): Promise<void> {
    const queue: JsMsg[] = [];
    const signal: { waiting: Array<() => void> } = { waiting: [] };
    const busy = new Set<string>();
    const order = this.options.order ?? 'tenant';
    let ended = false;
    const wakeWorkers = () => {
      for (const wake of signal.waiting.splice(0)) wake();
    };
    // At most this many events wait here; beyond it the pull pauses (they stay at JetStream, whose
    // ack wait does not run out on events nobody is applying yet).
    const queueMax = Math.max(64, 4 * (this.options.batch ?? 1) * Math.max(1, this.options.concurrency ?? 1));
    const roomWaiters: Array<() => void> = [];
    const workers = Array.from({ length: Math.max(1, this.options.concurrency ?? 1) }, async () => {
      for (;;) {
        const picked = queue.length > 0 ? takeBatch(queue, this.options.batch ?? 1, busy, order) : null;
        if (!picked) {
          if (ended && queue.length === 0) return;
          // Nothing queued, or only events of tenants other workers are applying: wait for either to change.
          await new Promise<void>((resolve) => signal.waiting.push(resolve));
          continue;
        }
        for (const resume of roomWaiters.splice(0)) resume();
        for (const key of picked.keys) busy.add(key);
        try {
          await this.processBatch(picked.batch).catch((error: unknown) =>
            this.options.logger.error({ err: error, consumer: this.options.name, events: picked.batch.length }, 'event batch failed'),
          );
        } finally {
          for (const key of picked.keys) busy.delete(key);
          wakeWorkers();
        }
      }
    });
    for await (const msg of messages) {
      while (queue.length >= queueMax && !this.stopped) await new Promise<void>((resume) => roomWaiters.push(resume));
      queue.push(msg);
      // An event of a tenant a worker is applying waits for that worker, which wakes the others when it is done.
      const key = orderKeyOf(msg, order);
      if (!key || !busy.has(key)) wakeWorkers();
    }
    ended = true;
    wakeWorkers();
    await Promise.all(workers);
    for (const resume of roomWaiters.splice(0)) resume();
  }

  /** Applies `msgs` (one tenant's) in one transaction, a savepoint each; the ones that failed go through `process` alone. */
  async processBatch(msgs: JsMsg[]): Promise<void> {
    const events = msgs.map((msg) => ({ msg, event: decodeEnvelope<TPayload>(msg) }));
    const first = events[0]?.event;
    if (msgs.length === 1 || !first || events.some((e) => !e.event || e.event.tenant_id !== first.tenant_id)) {
      for (const msg of msgs) await this.process(msg);
      return;
    }
    const applied: JsMsg[] = [];
    const failed: JsMsg[] = [];
    try {
      await this.options.db.transaction(first.tenant_id, async (tx) => {
        for (const { msg, event } of events) {
          const mark = afterCommitMark(tx);
          await tx.query('SAVEPOINT engage_event');
          try {
            const ctx = systemContext({ tenantId: event!.tenant_id, requestId: event!.request_id ?? event!.id });
            await runWithContext(ctx, () => this.applyOnce(tx, event!));
            await tx.query('RELEASE SAVEPOINT engage_event');
            applied.push(msg);
          } catch {
            await tx.query('ROLLBACK TO SAVEPOINT engage_event');
            dropAfterCommitSince(tx, mark);
            failed.push(msg);
          }
        }
      });
    } catch (error) {
      // The batch did not commit: every event goes again, alone.
      this.options.logger.warn({ err: error, consumer: this.options.name, events: msgs.length }, 'event batch did not commit; applying its events one by one');
      for (const msg of msgs) await this.process(msg);
      return;
    }
    for (const msg of applied) msg.ack();
    // Alone, with the usual retries, back-off and dead letter.
    for (const msg of failed) await this.process(msg);
  }

  /** Stops pulling; the event in hand finishes first, unacknowledged ones are redelivered later. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    await this.loop;
    this.messages = null;
  }

  async process(msg: JsMsg): Promise<ProcessOutcome> {
    let event: EventEnvelope<TPayload>;
    try {
      event = decodeJson<EventEnvelope<TPayload>>(msg.data);
      if (!event?.id || !event.tenant_id) throw new Error('not an event envelope');
    } catch (error) {
      await this.deadLetter(msg, error);
      return 'dead-lettered';
    }
    const ctx = systemContext({ tenantId: event.tenant_id, requestId: event.request_id ?? event.id });
    return runWithContext(ctx, async () => {
      try {
        const outcome = await this.options.db.transaction(event.tenant_id, (tx) => this.applyOnce(tx, event));
        msg.ack();
        return outcome;
      } catch (error) {
        // nats.js counts deliveries from 1: the first delivery has redeliveryCount 1.
        if (msg.info.redeliveryCount >= this.maxDeliver) {
          await this.deadLetter(msg, error);
          return 'dead-lettered';
        }
        const delay = backoffDelay(REDELIVERY_BACKOFF, msg.info.redeliveryCount - 1);
        this.options.logger.warn({ err: error, event_id: event.id, consumer: this.options.name, retry_in_ms: delay }, 'event failed; will retry');
        msg.nak(delay);
        return 'retry';
      }
    });
  }

  private async applyOnce(tx: Tx, event: EventEnvelope<TPayload>): Promise<ProcessOutcome> {
    const { schema, name } = this.options;
    const inserted: unknown[] = await tx.query(
      `INSERT INTO ${schema}.inbox (tenant_id, consumer, event_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [event.tenant_id, name, event.id],
    );
    if (inserted.length === 0) return 'duplicate';
    // Version 0 marks events that carry no aggregate state (sign-ins, key events): no ordering check.
    if (event.version === 0 || this.options.versions === 'every') {
      await this.options.handle(tx, event);
      return 'applied';
    }
    // Several events may share a version (a user created and invited in one change): only a
    // strictly older version than the one applied is stale.
    const newer: unknown[] = await tx.query(
      `INSERT INTO ${schema}.applied_versions (tenant_id, consumer, aggregate_type, aggregate_id, version)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, consumer, aggregate_type, aggregate_id)
       DO UPDATE SET version = EXCLUDED.version, applied_at = now() WHERE applied_versions.version <= EXCLUDED.version
       RETURNING version`,
      [event.tenant_id, name, event.aggregate_type, event.aggregate_id, event.version],
    );
    if (newer.length === 0) return 'stale';
    await this.options.handle(tx, event);
    return 'applied';
  }

  private async deadLetter(msg: JsMsg, error: unknown): Promise<void> {
    const h = natsHeaders();
    h.set('x-dlq-consumer', this.options.name);
    h.set('x-dlq-subject', msg.subject);
    h.set('x-dlq-deliveries', String(msg.info.redeliveryCount));
    h.set('x-dlq-error', String((error as Error)?.message ?? error).slice(0, 500));
    await this.options.js.publish(`dlq.${this.options.name}`, msg.data, { headers: h });
    this.options.logger.error({ err: error, consumer: this.options.name, subject: msg.subject }, 'event dead-lettered');
    msg.term(String((error as Error)?.message ?? 'failed'));
  }

  private async ensureConsumer(): Promise<void> {
    const { jsm, stream, name } = this.options;
    const config = {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.options.filterSubject,
      max_deliver: this.maxDeliver,
      ack_wait: nanos(this.options.ackWaitMs ?? 30_000),
    };
    // The publishing service creates its stream; wait for it (about a minute) rather than failing at boot.
    try {
      await retry(() => jsm.consumers.add(stream, config), { ...STREAM_WAIT, retryable: isStreamNotFound, stopped: () => this.stopped });
    } catch (error) {
      if (!String((error as Error).message).includes('already exists')) throw error;
      await jsm.consumers.update(stream, name, config);
    }
  }
}

/** The event a message carries, or null when it is not an event envelope. */
function decodeEnvelope<TPayload>(msg: JsMsg): EventEnvelope<TPayload> | null {
  try {
    const event = decodeJson<EventEnvelope<TPayload>>(msg.data);
    return event?.id && event.tenant_id ? event : null;
  } catch {
    return null;
  }
}

/** What the batch loop needs of a queued message, read once: a long queue is scanned on every pick. */
interface QueuedEvent {
  tenant: string | null;
  aggregate: string | null;
}
const queuedEvents = new WeakMap<JsMsg, QueuedEvent>();

function queuedEvent(msg: JsMsg): QueuedEvent {
  let known = queuedEvents.get(msg);
  if (!known) {
    const event = decodeEnvelope(msg);
    known = { tenant: event?.tenant_id ?? null, aggregate: event ? `${event.tenant_id}/${event.aggregate_type}/${event.aggregate_id}` : null };
    queuedEvents.set(msg, known);
  }
  return known;
}

/** The key whose events wait for each other under `order` (null: none, or not an event envelope). */
function orderKeyOf(msg: JsMsg, order: 'tenant' | 'aggregate' | 'none'): string | null {
  if (order === 'none') return null;
  const event = queuedEvent(msg);
  return order === 'tenant' ? event.tenant : event.aggregate;
}

/**
 * Takes from `queue` up to `size` messages of one tenant (a transaction is a tenant's): the first
 * queued message whose order key no worker holds, and after it the same tenant's messages whose keys
 * are free too, in queue order, keeping the others' order. Null when every queued message waits for
 * a busy key. A message without a readable envelope is taken alone. Answers the keys the batch holds.
 */
function takeBatch(queue: JsMsg[], size: number, busy: ReadonlySet<string>, order: 'tenant' | 'aggregate' | 'none'): { batch: JsMsg[]; keys: string[] } | null {
  const free = (msg: JsMsg) => {
    const key = orderKeyOf(msg, order);
    return !key || !busy.has(key);
  };
  const start = queue.findIndex(free);
  if (start < 0) return null;
  const tenant = queuedEvent(queue[start]).tenant;
  if (!tenant) return { batch: queue.splice(start, 1), keys: [] };
  const batch: JsMsg[] = [];
  const keys = new Set<string>();
  for (let i = start; i < queue.length && batch.length < size; ) {
    if (queuedEvent(queue[i]).tenant === tenant && free(queue[i])) {
      const key = orderKeyOf(queue[i], order);
      if (key) keys.add(key);
      batch.push(...queue.splice(i, 1));
    } else i++;
  }
  return { batch, keys: [...keys] };
}
