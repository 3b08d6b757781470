import { Client } from 'pg';
import { headers as natsHeaders, type JetStreamClient } from 'nats';
import { ContextHeader, EventHeader, type EventEnvelope } from '@engage/contracts';
import type { TenantDatabase } from '@engage/database';
import type { Logger } from '@engage/logging';
import { encodeJson } from '../connection';
import { backoffDelay } from '../retry';

/** After a failed batch: 0.5 s, 1 s, 2 s… up to 30 s while NATS or PostgreSQL is down. */
const RELAY_BACKOFF = { baseMs: 250, maxMs: 30_000 };

export interface OutboxRelayOptions {
  db: TenantDatabase;
  /** Connection URL for the LISTEN connection (the service's runtime role). */
  listenUrl: string;
  schema: string;
  js: JetStreamClient;
  logger: Logger;
  batchSize?: number;
  /** Fallback poll when no notification arrives (a lost NOTIFY, a reconnect). */
  pollIntervalMs?: number;
  /** Published rows older than this are deleted. */
  keepPublishedHours?: number;
}

interface ClaimedRow {
  seq: string;
  id: string;
  tenant_id: string;
  subject: string;
  envelope: EventEnvelope;
  traceparent: string | null;
}

/**
 * Moves committed outbox rows to JetStream. Rows are claimed with FOR UPDATE SKIP LOCKED (so any
 * number of replicas can relay side by side), published with `Nats-Msg-Id` = event id (JetStream
 * drops a re-publish after a crash), and marked sent only after JetStream acknowledged them.
 * If NATS is down the claim rolls back and the rows wait: nothing is lost.
 */
export class OutboxRelay {
  private listener: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wakeAgain = false;
  private stopped = true;
  private failures = 0;

  constructor(private readonly options: OutboxRelayOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
    this.schedulePoll(0);
    this.purgeTimer = setInterval(() => void this.purge(), 60 * 60 * 1000).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.running?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  /** Relays until the outbox is empty; resolves when done (also used by tests). */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.wakeAgain = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.wakeAgain && !this.stopped) {
        this.wakeAgain = false;
        void this.wake();
      }
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      const size = this.options.batchSize ?? 200;
      while (!this.stopped && (await this.relayBatch(size)) === size) {
        // a full batch: there may be more
      }
      this.failures = 0;
      this.schedulePoll(this.options.pollIntervalMs ?? 1000);
    } catch (error) {
      this.failures += 1;
      const delay = backoffDelay(RELAY_BACKOFF, this.failures);
      this.options.logger.warn({ err: error, retry_in_ms: delay }, 'outbox relay failed; rows stay queued');
      this.schedulePoll(delay);
    }
  }

  private async relayBatch(size: number): Promise<number> {
    const { db, schema, js } = this.options;
    return db.acrossTenants('outbox_relay', async (tx) => {
      const rows = await tx.query<ClaimedRow>(
        `SELECT seq, id, tenant_id, subject, envelope, traceparent FROM ${schema}.outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [size],
      );
      if (rows.length === 0) return 0;
      // Publishes go out in order on one connection; waiting for all acks together keeps the
      // batch fast without reordering.
      await Promise.all(
        rows.map((row) => {
          // Headers come from the row's own columns where it has them: an envelope that lost a
          // field must still be published (its consumers dead-letter it), never block the relay.
          const h = natsHeaders();
          h.set(EventHeader.eventType, row.subject);
          h.set(EventHeader.aggregateVersion, String(row.envelope?.version ?? 0));
          h.set(ContextHeader.tenantId, row.tenant_id);
          if (row.envelope?.request_id) h.set(ContextHeader.requestId, row.envelope.request_id);
          if (row.traceparent) h.set(ContextHeader.traceparent, row.traceparent);
          return js.publish(row.subject, encodeJson(row.envelope), { msgID: row.id, headers: h, timeout: 5000 });
        }),
      );
      await tx.query(`UPDATE ${schema}.outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      return rows.length;
    });
  }

  private schedulePoll(delayMs: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.wake(), delayMs);
    this.timer.unref();
  }

  /** LISTEN on the outbox channel so a commit is relayed within milliseconds, not a poll later. */
  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.listenUrl, application_name: `${this.options.schema}-outbox-listener` });
    client.on('error', (err) => {
      this.options.logger.warn({ err }, 'outbox listener lost its connection; relying on polling until it is back');
      this.listener = null;
      setTimeout(() => void this.listen().catch(() => undefined), 2000).unref();
    });
    client.on('notification', () => void this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.schema}_outbox`);
      this.listener = client;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox listener could not connect; polling only');
      await client.end().catch(() => undefined);
    }
  }

  private async purge(): Promise<void> {
    const hours = this.options.keepPublishedHours ?? 24;
    await this.options.db
      .acrossTenants('outbox_relay', (tx) =>
        tx.query(`DELETE FROM ${this.options.schema}.outbox WHERE published_at < now() - make_interval(hours => $1)`, [hours]),
      )
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'outbox purge failed'));
  }
}
