import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type CreateWebhookRequest,
  type ListWebhookDeliveriesCommand,
  type Page,
  type UpdateWebhookCommand,
  WEBHOOK_ENDPOINTS_MAX,
  WEBHOOK_TEST_EVENT,
  type WebhookDeliveryView,
  type WebhookPage,
  type WebhookView,
  type WebhookWithSecretView,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertAllowed, TenantModules } from '@engage/access';
import { afterCommit, decodeCursor, isoTime, pageLimit, TenantDatabase, timeOrderedId, toPage, type Tx } from '@engage/database';
import { BusinessRuleError, NotFoundError, ValidationError } from '@engage/errors';
import { SERVICE_CONFIG } from '@engage/service-runtime';
import type { NotificationConfig } from '../config';
import { matchesFilters } from './public-events';
import { newWebhookSecret, webhookIdOf } from './signature';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookWorkerSignal } from './worker-signal';

const ENDPOINT_VIEW = `e.id, e.url, e.events, e.description, e.active, e.disabled_reason,
  CASE WHEN e.previous_secret_expires_at > now() THEN ${isoTime('e.previous_secret_expires_at')} END AS previous_secret_expires_at,
  CASE WHEN e.paused_until > now() THEN ${isoTime('e.paused_until')} END AS paused_until,
  ${isoTime('e.created_at')} AS created_at, ${isoTime('e.updated_at')} AS updated_at`;

export const DELIVERY_VIEW = `d.id, d.webhook_id, d.event_type, d.event_id, d.status, d.attempts, d.response_status, d.latency_ms,
  d.response_body, d.last_error, CASE WHEN d.status = 'pending' THEN ${isoTime('d.next_attempt_at')} END AS next_attempt_at,
  ${isoTime('d.last_attempt_at')} AS last_attempt_at, ${isoTime('d.delivered_at')} AS delivered_at, ${isoTime('d.created_at')} AS created_at`;

const NEWEST = '-created_at';

/** An event about to be sent to the endpoints of a tenant that listen to it. */
export interface OutgoingEvent {
  /** The domain event's id (null for a test event: each test is its own delivery). */
  eventId: string | null;
  type: string;
  occurredAt: string;
  data: unknown;
}

/**
 * A tenant's webhook endpoints (SPEC section 4) and the deliveries made to them. Endpoints are
 * managed by admins and managers of tenants whose plan has the `webhooks` module (403
 * module_not_enabled otherwise; deleting an endpoint stays possible, so a downgraded tenant can
 * clean up); the signing secret is generated here, shown once (at creation
 * and at each rotation) and otherwise kept sealed. {@link enqueue} turns an event into one
 * delivery per listening endpoint, in the caller's transaction; the delivery worker sends them.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly secrets: WebhookSecrets,
    private readonly signal: WebhookWorkerSignal,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    private readonly modules: TenantModules,
  ) {}

  async list(ctx: RequestContext): Promise<WebhookPage> {
    assertAllowed(ctx, 'webhooks', 'read');
    await this.modules.assertEnabled(ctx.tenantId, 'webhooks');
    const data = await this.db.transaction(ctx.tenantId, (tx) =>
      tx.query<WebhookView>(`SELECT ${ENDPOINT_VIEW} FROM notification.webhook_endpoints e WHERE e.tenant_id = $1 ORDER BY e.created_at, e.id`, [ctx.tenantId]),
    );
    return { data };
  }

  async get(ctx: RequestContext, id: string): Promise<WebhookView> {
    assertAllowed(ctx, 'webhooks', 'read');
    await this.modules.assertEnabled(ctx.tenantId, 'webhooks');
    return this.db.transaction(ctx.tenantId, (tx) => this.find(tx, ctx.tenantId, id));
  }

  async create(ctx: RequestContext, input: CreateWebhookRequest): Promise<WebhookWithSecretView> {
    assertAllowed(ctx, 'webhooks', 'create');
    await this.modules.assertEnabled(ctx.tenantId, 'webhooks');
    const url = this.checkUrl(input.url);
    const id = timeOrderedId();
    const secret = newWebhookSecret();
    const sealed = this.secrets.seal(ctx.tenantId, id, secret);
    const view = await this.db.transaction(ctx.tenantId, async (tx) => {
      // One endpoint at a time per tenant, so the cap cannot be raced past.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints:' || $1))`, [ctx.tenantId]);
      const [{ n }] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification.webhook_endpoints WHERE tenant_id = $1`, [ctx.tenantId]);
      if (n >= WEBHOOK_ENDPOINTS_MAX) {
        throw new BusinessRuleError('webhook_limit_reached', `A tenant may register at most ${WEBHOOK_ENDPOINTS_MAX} webhook endpoints.`, { max: WEBHOOK_ENDPOINTS_MAX });
      }
      const rows = await tx.query<WebhookView>(
        `INSERT INTO notification.webhook_endpoints AS e (tenant_id, id, url, events, description, secret_sealed, created_by)
         VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING ${ENDPOINT_VIEW}`,
        [ctx.tenantId, id, url, input.events, input.description ?? null, sealed, ctx.userId],
      );
      return rows[0];
    });
    return { ...view, secret };
  }

  async update(ctx: RequestContext, input: UpdateWebhookCommand): Promise<WebhookView> {
    assertAllowed(ctx, 'webhooks', 'update');
    await this.modules.assertEnabled(ctx.tenantId, 'webhooks');
    const url = input.url === undefined ? null : this.checkUrl(input.url);
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const rows = await tx.query<WebhookView>(
        `UPDATE notification.webhook_endpoints e SET
           url = coalesce($3, e.url), events = coalesce($4::text[], e.events),
           description = CASE WHEN $5::boolean THEN $6 ELSE e.description END,
           active = coalesce($7, e.active),
           -- Re-enabling starts afresh: no failure streak, no pause, no reason.
           disabled_reason = CASE WHEN $7 IS TRUE THEN NULL ELSE e.disabled_reason END,
           consecutive_failures = CASE WHEN $7 IS TRUE AND NOT e.active THEN 0 ELSE e.consecutive_failures END,
           failing_since = CASE WHEN $7 IS TRUE AND NOT e.active THEN NULL ELSE e.failing_since END,
           paused_until = CASE WHEN $7 IS TRUE AND NOT e.active THEN NULL ELSE e.paused_until END,
           updated_at = now()
         WHERE e.tenant_id = $1 AND e.id = $2 RETURNING ${ENDPOINT_VIEW}`,
        [ctx.tenantId, input.id, url, input.events ?? null, input.description !== undefined, input.description ?? null, input.active ?? null],
      );
      if (!rows[0]) throw new NotFoundError('Webhook', input.id);
      if (input.active === true) afterCommit(tx, () => this.signal.kick());
      return rows[0];
    });
  }

  /** Deletes the endpoint and its delivery log; pending deliveries are dropped with it. */
  async remove(ctx: RequestContext, id: string): Promise<{ deleted: true }> {
    assertAllowed(ctx, 'webhooks', 'delete');
    const rows = await this.db.transaction(ctx.tenantId, (tx) =>
      tx.query(`DELETE FROM notification.webhook_endpoints WHERE tenant_id = $1 AND id = $2 RETURNING id`, [ctx.tenantId, id]),
    );
    if (!rows[0]) throw new NotFoundError('Webhook', id);
    return { deleted: true };
  }

  /**
   * A new secret, shown once. The previous one keeps signing (a second signature in the same
   * header) for WEBHOOK_ROTATION_OVERLAP_MS, so the receiver can switch over without losing a
   * delivery. Rotating again during an overlap drops the oldest secret.
   */
  async rotateSecret(ctx: RequestContext, id: string): Promise<WebhookWithSecretView> {
    assertAllowed(ctx, 'webhooks', 'update');
    await this.modules.assertEnabled(ctx.tenantId, 'webhooks');
    const secret = newWebhookSecret();
    const sealed = this.secrets.seal(ctx.tenantId, id, secret);
    const view = await this.db.transaction(ctx.tenantId, async (tx) => {
      const rows = await tx.query<WebhookView>(
        `UPDATE notification.webhook_endpoints e SET previous_secret_sealed = e.secret_sealed, secret_sealed = $3,
           previous_secret_expires_at = now() + make_interval(secs => $4::double precision / 1000), updated_at = now()
         WHERE e.tenant_id = $1 AND e.id = $2 RETURNING ${ENDPOINT_VIEW}`,
        [ctx.tenantId, id, sealed, this.config.WEBHOOK_ROTATION_OVERLAP_MS],
      );
      if (!rows[0]) throw new NotFoundError('Webhook', id);
      return rows[0];
    });
    return { ...view, secret };
  }

  /** The endpoint's deliveries, newest first: status, attempts, last answer, next try. */
  async deliveries(ctx: RequestContext, query: ListWebhookDeliveriesCommand): Promise<Page<WebhookDeliveryView>> {
    assertAllowed(ctx, 'webhooks', 'read');
    await this.modules.assertEnabled(ctx.tenantId, 'webhooks');
    await this.get(ctx, query.id);
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor, NEWEST, 'timestamp');
    const rows = await this.db.readInTenant<WebhookDeliveryView & { sort_value: string }>(ctx.tenantId, (_l, bind) => {
      const where = [`d.tenant_id = ${bind(ctx.tenantId)}`, `d.endpoint_id = ${bind(query.id)}`];
      if (query.status) where.push(`d.status = ${bind(query.status)}`);
      if (after) where.push(`(d.created_at, d.id) < (${bind(String(after.v))}::timestamptz, ${bind(after.id)}::uuid)`);
      return `SELECT ${DELIVERY_VIEW}, ${isoTime('d.created_at')} AS sort_value FROM notification.webhook_deliveries d
               WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT ${bind(limit + 1)}`;
    });
    return toPage(rows, limit, NEWEST);
  }

  /** Sends a `webhook.test` event to this endpoint (whatever its filters), as a delivery of its own. */
  async test(ctx: RequestContext, id: string): Promise<WebhookDeliveryView> {
    assertAllowed(ctx, 'webhooks', 'update');
    await this.modules.assertEnabled(ctx.tenantId, 'webhooks');
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const endpoint = await this.find(tx, ctx.tenantId, id);
      const event: OutgoingEvent = {
        eventId: null,
        type: WEBHOOK_TEST_EVENT,
        occurredAt: new Date().toISOString(),
        data: { webhook_endpoint_id: endpoint.id, message: 'A test event sent from Engage.' },
      };
      const [delivery] = await this.insertDeliveries(tx, ctx.tenantId, [endpoint.id], event);
      return delivery;
    });
  }

  /**
   * Sends a delivery again now, with the same `webhook-id` (receivers de-duplicate on it), and a
   * fresh retry schedule: a dead-lettered or refused delivery gets its full set of tries again.
   */
  async redeliver(ctx: RequestContext, id: string, deliveryId: string): Promise<WebhookDeliveryView> {
    assertAllowed(ctx, 'webhooks', 'update');
    await this.modules.assertEnabled(ctx.tenantId, 'webhooks');
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const rows = await tx.query<WebhookDeliveryView>(
        `UPDATE notification.webhook_deliveries d SET status = 'pending', retry_step = 0, next_attempt_at = now(), delivered_at = NULL
          WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND d.id = $3 RETURNING ${DELIVERY_VIEW}`,
        [ctx.tenantId, id, deliveryId],
      );
      if (!rows[0]) throw new NotFoundError('Webhook delivery', deliveryId);
      afterCommit(tx, () => this.signal.kick());
      return rows[0];
    });
  }

  /**
   * One delivery per active endpoint of the tenant that listens to `event.type`, in the caller's
   * transaction (the consumer's, which records the event as handled in the same commit). The
   * `webhook-id` comes from the event and the endpoint, so handling the event again adds nothing.
   */
  async enqueue(tx: Tx, tenantId: string, event: OutgoingEvent): Promise<number> {
    const endpoints = await tx.query<{ id: string; events: string[] }>(
      `SELECT id, events FROM notification.webhook_endpoints WHERE tenant_id = $1 AND active`,
      [tenantId],
    );
    const listening = endpoints.filter((e) => matchesFilters(e.events, event.type)).map((e) => e.id);
    if (listening.length === 0) return 0;
    const rows = await this.insertDeliveries(tx, tenantId, listening, event);
    return rows.length;
  }

  private async insertDeliveries(tx: Tx, tenantId: string, endpointIds: string[], event: OutgoingEvent): Promise<WebhookDeliveryView[]> {
    const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event.data });
    const eventId = event.eventId ?? randomUUID();
    const ids = endpointIds.map(() => timeOrderedId());
    const webhookIds = endpointIds.map((endpointId) => webhookIdOf(eventId, endpointId));
    const rows = await tx.query<WebhookDeliveryView>(
      `INSERT INTO notification.webhook_deliveries AS d (tenant_id, id, endpoint_id, webhook_id, event_id, event_type, body, next_attempt_at)
       SELECT $1, x.id, x.endpoint_id, x.webhook_id, $5, $6, $7, now()
         FROM unnest($2::uuid[], $3::uuid[], $4::text[]) AS x(id, endpoint_id, webhook_id)
       ON CONFLICT ON CONSTRAINT webhook_deliveries_webhook_id DO NOTHING RETURNING ${DELIVERY_VIEW}`,
      [tenantId, ids, endpointIds, webhookIds, event.eventId, event.type, body],
    );
    if (rows.length > 0) afterCommit(tx, () => this.signal.kick());
    return rows;
  }

  private async find(tx: Tx, tenantId: string, id: string): Promise<WebhookView> {
    const rows = await tx.query<WebhookView>(`SELECT ${ENDPOINT_VIEW} FROM notification.webhook_endpoints e WHERE e.tenant_id = $1 AND e.id = $2`, [tenantId, id]);
    if (!rows[0]) throw new NotFoundError('Webhook', id);
    return rows[0];
  }

  /** http(s) only, no credentials in the URL, https in production (SPEC section 7). */
  private checkUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ValidationError('The request is not valid.', { fields: { url: ['must be a URL'] } });
    }
    const problems: string[] = [];
    if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push('must be http or https');
    if (url.protocol === 'http:' && this.config.isProduction) problems.push('must be https');
    if (url.username || url.password) problems.push('must not contain credentials');
    if (url.hash) problems.push('must not contain a fragment');
    if (problems.length > 0) throw new ValidationError('The request is not valid.', { fields: { url: problems } });
    return url.toString();
  }
}
