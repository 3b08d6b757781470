import { Inject, Injectable } from '@nestjs/common';
import type { EmailBodyView, GmailSettingsView, UpdateGmailSettingsRequest } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertAllowed, requireTenant } from '@engage/access';
import { TenantDatabase } from '@engage/database';
import { NotFoundError } from '@engage/errors';
import type { Logger } from '@engage/logging';
import { LOGGER, SERVICE_CONFIG } from '@engage/service-runtime';
import { ActivitiesService } from '../activities/activities.service';
import type { ActivityConfig } from '../config';
import { GmailCredentials } from './gmail-credentials';
import { GmailSettingsRepository, type GmailSettingsRow } from './gmail-settings.repository';

/** The settings a sync runs with. */
export interface EffectiveGmailSettings {
  initialSyncDays: number;
  storeBodies: boolean;
  bodyRetentionDays: number | null;
}

/**
 * The tenant's Gmail settings: how far back a first sync reads, and whether (and how long) message
 * bodies are kept, sealed with the tenant's key. Anyone who may connect a mailbox reads them; only
 * admins (`tenant` update) change them. Turning bodies off deletes every body stored. Also serves a
 * stored body to whoever may read its activity.
 */
@Injectable()
export class GmailSettingsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly settings: GmailSettingsRepository,
    private readonly activities: ActivitiesService,
    private readonly credentials: GmailCredentials,
    @Inject(SERVICE_CONFIG) private readonly config: ActivityConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async get(ctx: RequestContext): Promise<GmailSettingsView> {
    const tctx = requireTenant(ctx);
    assertAllowed(ctx, 'integrations', 'read');
    return this.view(await this.settings.find(tctx.tenantId));
  }

  async update(ctx: RequestContext, input: UpdateGmailSettingsRequest): Promise<GmailSettingsView> {
    const tctx = requireTenant(ctx);
    assertAllowed(ctx, 'tenant', 'update');
    const { row, deleted } = await this.db.transaction(tctx.tenantId, async (tx) => {
      const saved = await this.settings.upsert(tx, tctx.tenantId, input, tctx.userId ?? null);
      return { row: saved, deleted: saved.store_bodies ? 0 : await this.settings.deleteAllBodies(tx, tctx.tenantId) };
    });
    this.logger.info({ tenant_id: tctx.tenantId, store_bodies: row.store_bodies, bodies_deleted: deleted }, 'gmail settings changed');
    return this.view(row);
  }

  /** What a sync of the tenant's mailboxes uses now. */
  async effective(tenantId: string): Promise<EffectiveGmailSettings> {
    const row = await this.settings.find(tenantId);
    return {
      initialSyncDays: row?.initial_sync_days ?? this.config.GMAIL_INITIAL_SYNC_DAYS,
      storeBodies: row?.store_bodies ?? false,
      bodyRetentionDays: row?.body_retention_days ?? null,
    };
  }

  /** The stored text of an email activity the caller may read; 404 when the activity is not theirs to see or has no body. */
  async body(ctx: RequestContext, activityId: string): Promise<EmailBodyView> {
    const tctx = requireTenant(ctx);
    const activity = await this.activities.get(ctx, activityId);
    const stored = activity.type === 'email' ? await this.settings.findBody(tctx.tenantId, activityId) : null;
    if (!stored) throw new NotFoundError('Email body', activityId);
    const sealed = JSON.parse(this.credentials.openBody(tctx.tenantId, stored.body_sealed)) as { text: string; truncated: boolean };
    return { activity_id: activityId, text: sealed.text, truncated: sealed.truncated };
  }

  private view(row: GmailSettingsRow | null): GmailSettingsView {
    return {
      initial_sync_days: row?.initial_sync_days ?? this.config.GMAIL_INITIAL_SYNC_DAYS,
      store_bodies: row?.store_bodies ?? false,
      body_retention_days: row?.body_retention_days ?? null,
      updated_at: row?.updated_at ?? null,
    };
  }
}
