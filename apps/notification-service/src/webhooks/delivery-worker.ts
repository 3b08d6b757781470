import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TenantDatabase, type Tx } from '@engage/database';
import type { Logger } from '@engage/logging';
import { LOGGER, RecurringJob, SERVICE_CONFIG } from '@engage/service-runtime';
import type { NotificationConfig } from '../config';
import { InboxService } from '../inbox/inbox.service';
import { nextDelayMs, parseRetryAfter, verdictOf } from './backoff';
import { signatureHeader } from './signature';
import { type SendResult, WebhookSender } from './webhook-sender';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookWorkerSignal } from './worker-signal';

const WORKER_JOB = 'notification-webhook-deliveries';
/** A claimed delivery is due again this long after its timeout if the replica sending it dies. */
const LEASE_MARGIN_MS = 30_000;
/** Errors kept in the log are cut to this length. */
const ERROR_MAX = 500;

interface ClaimedDelivery {
  tenant_id: string;
  id: string;
  endpoint_id: string;
  webhook_id: string;
  body: string;
  retry_step: number;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  overlap: boolean;
}

/**
 * Sends due webhook deliveries and records what came of each (SPEC sections 4 and 7).
 *
 * Everything lives in `webhook_deliveries`: a poll (every WEBHOOK_POLL_INTERVAL_MS, and at once
 * when this replica enqueued something) claims due rows of every tenant with `FOR UPDATE SKIP
 * LOCKED` (replicas never take the same row) and pushes their `next_attempt_at` past the send's
 * timeout as a lease, so a replica that dies mid-send leaves them due again and a restart resumes
 * exactly where the schedule was. Sends run in the background, so one receiver that hangs holds
 * only its own slots: each endpoint has at most WEBHOOK_ENDPOINT_CONCURRENCY deliveries in flight
 * per replica, and endpoints at their limit are left out of the next claim.
 *
 * Outcomes: 2xx delivered; 408/409/429/5xx, timeouts, connection errors and refused targets are
 * retried on the back-off schedule (honouring Retry-After), then dead-lettered; other 4xx are
 * final. WEBHOOK_BREAKER_THRESHOLD failures in a row pause the endpoint (circuit breaker) for
 * WEBHOOK_BREAKER_PAUSE_MS and move its due deliveries to then; an endpoint that has failed
 * everything for WEBHOOK_DISABLE_AFTER_MS is disabled and its creator notified.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly job: RecurringJob;
  private readonly perEndpoint = new Map<string, number>();
  private readonly sending = new Set<Promise<void>>();
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private stopped = false;

  constructor(
    private readonly db: TenantDatabase,
    private readonly secrets: WebhookSecrets,
    private readonly sender: WebhookSender,
    private readonly inbox: InboxService,
    private readonly signal: WebhookWorkerSignal,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    scheduler: SchedulerRegistry,
  ) {
    this.job = new RecurringJob(scheduler, WORKER_JOB, logger);
  }

  onApplicationBootstrap(): void {
    this.signal.listen(() => void this.poll());
    this.job.start(this.config.WEBHOOK_POLL_INTERVAL_MS, () => this.poll());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.job.stop();
    await this.polling;
    await this.idle();
  }

  /** Deliveries in flight on this replica. */
  get inFlight(): number {
    return this.sending.size;
  }

  /** Resolves once every send in flight has been recorded (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.sending.size > 0) await Promise.allSettled([...this.sending]);
  }

  /**
   * Claims and starts what is due, round after round while rounds find work (tests call it
   * directly). Concurrent calls fold into one more round.
   */
  poll(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = (async () => {
      try {
        do {
          this.pollAgain = false;
          while ((await this.claimAndStart()) > 0 && !this.stopped);
        } while (this.pollAgain && !this.stopped);
      } catch (error) {
        this.logger.error({ err: error }, 'claiming webhook deliveries failed');
      } finally {
        this.polling = null;
      }
    })();
    return this.polling;
  }

  private async claimAndStart(): Promise<number> {
    const capacity = this.config.WEBHOOK_MAX_IN_FLIGHT - this.sending.size;
    if (capacity <= 0) return 0;
    const limit = this.config.WEBHOOK_ENDPOINT_CONCURRENCY;
    const saturated = [...this.perEndpoint].filter(([, n]) => n >= limit).map(([key]) => key.split(':')[1]);
    const leaseMs = this.config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
    const claimed = await this.db.acrossTenants('webhook_delivery', async (tx) => {
      const candidates = await tx.query<ClaimedDelivery>(
        `SELECT d.tenant_id, d.id, d.endpoint_id, d.webhook_id, d.body, d.retry_step, e.url, e.secret_sealed, e.previous_secret_sealed,
                coalesce(e.previous_secret_expires_at > now(), false) AS overlap
           FROM notification.webhook_deliveries d
           JOIN notification.webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.active AND (e.paused_until IS NULL OR e.paused_until <= now())
            AND NOT (d.endpoint_id = ANY($2::uuid[]))
          ORDER BY d.next_attempt_at LIMIT $1
          FOR UPDATE OF d SKIP LOCKED`,
        [Math.min(capacity * 4, 1000), saturated],
      );
      const taken: ClaimedDelivery[] = [];
      const planned = new Map<string, number>();
      for (const row of candidates) {
        if (taken.length >= capacity) break;
        const key = `${row.tenant_id}:${row.endpoint_id}`;
        const busy = (this.perEndpoint.get(key) ?? 0) + (planned.get(key) ?? 0);
        if (busy >= limit) continue;
        planned.set(key, (planned.get(key) ?? 0) + 1);
        taken.push(row);
      }
      if (taken.length > 0) {
        await tx.query(
          `UPDATE notification.webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
            FROM unnest($1::uuid[], $2::uuid[]) AS x(tenant_id, id) WHERE d.tenant_id = x.tenant_id AND d.id = x.id`,
          [taken.map((r) => r.tenant_id), taken.map((r) => r.id), leaseMs],
        );
      }
      return taken;
    });
    for (const row of claimed) this.start(row);
    return claimed.length;
  }

  private start(row: ClaimedDelivery): void {
    const key = `${row.tenant_id}:${row.endpoint_id}`;
    this.perEndpoint.set(key, (this.perEndpoint.get(key) ?? 0) + 1);
    let released = false;
    // After a success the endpoint's slot is freed as soon as the receiver answered: writing the
    // outcome does not keep the receiver busy, so the next delivery to it need not wait for that
    // write. After a failure the slot is held until the outcome (and the breaker) is recorded, so
    // an open breaker stops the very next send.
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.perEndpoint.get(key) ?? 1) - 1;
      if (left > 0) this.perEndpoint.set(key, left);
      else this.perEndpoint.delete(key);
    };
    const work = this.send(row)
      .then((result) => {
        if (verdictOf(result.status) === 'succeeded') {
          release();
          void this.poll();
        }
        return this.record(row, result);
      })
      .catch((error: unknown) => this.logger.error({ err: error, tenant_id: row.tenant_id, delivery_id: row.id }, 'webhook delivery failed unexpectedly'))
      .finally(() => {
        release();
        this.sending.delete(work);
        // A slot freed: this endpoint's next delivery (or anyone's) may go now.
        void this.poll();
      });
    this.sending.add(work);
  }

  private async send(row: ClaimedDelivery): Promise<SendResult> {
    const secrets = [this.secrets.open(row.tenant_id, row.endpoint_id, row.secret_sealed)];
    if (row.overlap && row.previous_secret_sealed) secrets.push(this.secrets.open(row.tenant_id, row.endpoint_id, row.previous_secret_sealed));
    const timestamp = Math.floor(Date.now() / 1000);
    return this.sender.send({
      url: row.url,
      body: row.body,
      timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
      production: this.config.isProduction,
      headers: {
        'webhook-id': row.webhook_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, row.webhook_id, timestamp, row.body),
      },
    });
  }

  /** Writes what the attempt came to, and what it means for the endpoint, in the tenant's transaction. */
  private async record(row: ClaimedDelivery, result: SendResult): Promise<void> {
    const verdict = result.refused ? 'retry' : verdictOf(result.status);
    const delay = verdict === 'retry' ? nextDelayMs(this.config.webhookRetrySchedule, row.retry_step, parseRetryAfter(result.retryAfter)) : null;
    const status = verdict === 'succeeded' ? 'succeeded' : verdict === 'final' ? 'failed' : delay === null ? 'dead' : 'pending';
    const error = result.error ?? (verdict === 'succeeded' ? null : `HTTP ${result.status ?? ''}`.trim());
    await this.db.transaction(row.tenant_id, async (tx) => {
      // One statement: the outcome, and on success the end of the endpoint's failure streak (the
      // common case costs one round trip inside the transaction).
      const [updated] = await tx.query<{ recorded: boolean }>(
        `WITH d AS (
           UPDATE notification.webhook_deliveries SET status = $3, attempts = attempts + 1, retry_step = retry_step + 1,
              next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4::double precision / 1000) END,
              last_attempt_at = now(), response_status = $5, response_body = $6, latency_ms = $7, last_error = $8,
              delivered_at = CASE WHEN $3 = 'succeeded' THEN now() END
            WHERE tenant_id = $1 AND id = $2 AND status = 'pending' RETURNING endpoint_id),
         healed AS (
           UPDATE notification.webhook_endpoints e SET consecutive_failures = 0, failing_since = NULL, paused_until = NULL
            WHERE $3 = 'succeeded' AND e.tenant_id = $1 AND e.id IN (SELECT endpoint_id FROM d)
              AND (e.consecutive_failures > 0 OR e.failing_since IS NOT NULL OR e.paused_until IS NOT NULL) RETURNING 1)
         SELECT EXISTS (SELECT 1 FROM d) AS recorded, (SELECT count(*) FROM healed) AS healed`,
        [row.tenant_id, row.id, status, delay ?? 0, result.status, result.body, result.latencyMs, error?.slice(0, ERROR_MAX) ?? null],
      );
      if (!updated?.recorded) return;
      if (status === 'dead') this.logger.warn({ tenant_id: row.tenant_id, delivery_id: row.id, endpoint_id: row.endpoint_id, error }, 'webhook delivery dead-lettered');
      if (verdict !== 'succeeded') await this.endpointFailed(tx, row);
    });
  }

  private async endpointFailed(tx: Tx, row: ClaimedDelivery): Promise<void> {
    const [endpoint] = await tx.query<{ consecutive_failures: number; paused: boolean; disable: boolean; created_by: string | null; url: string; failing_since: string }>(
      `UPDATE notification.webhook_endpoints e SET consecutive_failures = e.consecutive_failures + 1,
          failing_since = coalesce(e.failing_since, now()),
          paused_until = CASE WHEN e.consecutive_failures + 1 >= $3 THEN now() + make_interval(secs => $4::double precision / 1000) ELSE e.paused_until END
        WHERE e.tenant_id = $1 AND e.id = $2
        RETURNING e.consecutive_failures, e.paused_until > now() AS paused, e.active AND e.failing_since <= now() - make_interval(secs => $5::double precision / 1000) AS disable,
                  e.created_by, e.url, e.failing_since::text AS failing_since`,
      [row.tenant_id, row.endpoint_id, this.config.WEBHOOK_BREAKER_THRESHOLD, this.config.WEBHOOK_BREAKER_PAUSE_MS, this.config.WEBHOOK_DISABLE_AFTER_MS],
    );
    if (!endpoint) return;
    if (endpoint.paused) {
      // The breaker is open: what was due goes to when it closes, instead of failing one by one.
      await tx.query(
        `UPDATE notification.webhook_deliveries d SET next_attempt_at = e.paused_until
           FROM notification.webhook_endpoints e
          WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND d.status = 'pending' AND e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
            AND d.next_attempt_at < e.paused_until`,
        [row.tenant_id, row.endpoint_id],
      );
    }
    if (endpoint.disable) {
      await tx.query(`UPDATE notification.webhook_endpoints SET active = false, disabled_reason = 'failing', updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
        row.tenant_id,
        row.endpoint_id,
      ]);
      this.logger.warn({ tenant_id: row.tenant_id, endpoint_id: row.endpoint_id }, 'webhook endpoint disabled after failing for days');
      if (endpoint.created_by) {
        await this.inbox.notify(tx, row.tenant_id, endpoint.created_by, {
          kind: 'webhook_disabled',
          title: `Webhook endpoint disabled: ${endpoint.url}`,
          body: 'Every delivery to this endpoint has failed for days, so Engage stopped sending to it. Fix the receiver, then turn the endpoint back on; pending deliveries resume.',
          data: { webhook_endpoint_id: row.endpoint_id, url: endpoint.url },
          sourceKey: `webhook_disabled:${row.endpoint_id}:${endpoint.failing_since}`,
        });
      }
    }
  }
}
