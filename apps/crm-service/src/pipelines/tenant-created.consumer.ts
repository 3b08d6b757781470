import { Injectable } from '@nestjs/common';
import { type EventEnvelope, Events, type TenantEvent } from '@engage/contracts';
import type { Tx } from '@engage/database';
import { OnEvent } from '@engage/messaging';
import { PipelinesService } from './pipelines.service';

/**
 * Gives every new tenant its default pipeline as soon as user-service announces the tenant.
 * (The pipeline is also created on first use, so a tenant never misses it if this runs late.)
 */
@Injectable()
export class TenantCreatedConsumer {
  constructor(private readonly pipelines: PipelinesService) {}

  @OnEvent(Events.user.tenantCreated, { durable: 'crm-default-pipeline' })
  async onTenantCreated(tx: Tx, event: EventEnvelope<TenantEvent>): Promise<void> {
    await this.pipelines.ensureDefault(tx, event.tenant_id);
  }
}
