import { Injectable } from '@nestjs/common';
import { type EventEnvelope, everyEventOf } from '@engage/contracts';
import type { Tx } from '@engage/database';
import { OnEvent } from '@engage/messaging';
import { publicEventName } from './public-events';
import { WebhooksService } from './webhooks.service';

/** Events handled at once per stream: deliveries of different events do not depend on each other's order. */
const CONCURRENCY = 8;

/**
 * Turns the public domain events (SPEC section 4) into webhook deliveries: one durable consumer per
 * publishing stream, every event once whatever its aggregate version (`versions: 'every'`: an
 * integrator wants each change, not only the latest state). Events without a public name are
 * acknowledged and skipped.
 */
@Injectable()
export class WebhookSourcesConsumer {
  constructor(private readonly webhooks: WebhooksService) {}

  @OnEvent(everyEventOf('crm'), { durable: 'notification-webhooks-crm', versions: 'every', concurrency: CONCURRENCY })
  onCrmEvent(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    return this.enqueue(tx, event);
  }

  @OnEvent(everyEventOf('telephony'), { durable: 'notification-webhooks-telephony', versions: 'every', concurrency: CONCURRENCY })
  onTelephonyEvent(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    return this.enqueue(tx, event);
  }

  @OnEvent(everyEventOf('activity'), { durable: 'notification-webhooks-activity', versions: 'every', concurrency: CONCURRENCY })
  onActivityEvent(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    return this.enqueue(tx, event);
  }

  private async enqueue(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    const type = publicEventName(event);
    if (!type) return;
    await this.webhooks.enqueue(tx, event.tenant_id, { eventId: event.id, type, occurredAt: event.occurred_at, data: event.payload });
  }
}
