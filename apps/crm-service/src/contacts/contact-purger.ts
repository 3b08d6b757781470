import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Events, RESTORE_WINDOW_DAYS } from '@engage/contracts';
import { systemContext, type TenantContext } from '@engage/context';
import { TenantDatabase, timeOrderedId } from '@engage/database';
import type { Logger } from '@engage/logging';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { LOGGER, RecurringTask, SERVICE_CONFIG } from '@engage/service-runtime';
import type { CrmConfig } from '../config';
import { contactChangedEvents } from '../deals/deal-events';
import { DealsRepository } from '../deals/deals.repository';

import { pruneVocabulary } from './name-vocabulary.sql';

/** Contacts erased per transaction: a bounded lock set and event, whatever the backlog. */
const BATCH = 500;
/** Tenants looked at per round; the next round picks up the rest. */
const TENANTS_PER_ROUND = 100;

export interface PurgeRound {
  tenants: number;
  contacts: number;
}

/**
 * Erases contacts soft-deleted longer ago than the restore window (RESTORE_WINDOW_DAYS): the
 * contact row, its channel keys (by cascade), the names only it carried from the typo vocabulary,
 * and the link from its deals (the deals stay, without a contact, each with a `deal.updated`).
 * One `evt.crm.contact.purged` per batch tells the other services to erase what they hold about
 * those contacts. Runs every PURGE_INTERVAL_MS on each replica; replicas skip rows
 * another one has locked.
 */
const PURGE_JOB = 'crm-contact-purge';

@Injectable()
export class ContactPurger extends RecurringTask {
  constructor(
    private readonly db: TenantDatabase,
    private readonly deals: DealsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: CrmConfig,
    scheduler: SchedulerRegistry,
  ) {
    super(scheduler, PURGE_JOB, logger, config.PURGE_INTERVAL_MS);
  }

  /** One round over the tenants that have contacts past the window (exposed for tests). */
  async runOnce(): Promise<PurgeRound> {
    const round: PurgeRound = { tenants: 0, contacts: 0 };
    for (const tenantId of await this.tenantsWithExpiredContacts()) {
      round.tenants++;
      for (;;) {
        const erased = await this.purgeBatch(tenantId);
        round.contacts += erased;
        if (erased < BATCH) break;
      }
    }
    if (round.contacts > 0) this.logger.info({ ...round }, 'purged contacts past the restore window');
    return round;
  }

  /** The only read across tenants: the contacts_purge_discovery policy shows expired deletions and nothing else. */
  private async tenantsWithExpiredContacts(): Promise<string[]> {
    const rows = await this.db.acrossTenants('purge_worker', (tx) =>
      tx.query<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM crm.contacts
          WHERE deleted_at IS NOT NULL AND deleted_at < now() - make_interval(days => $1) LIMIT $2`,
        [RESTORE_WINDOW_DAYS, TENANTS_PER_ROUND],
      ),
    );
    return rows.map((r) => r.tenant_id);
  }

  /** Erases up to BATCH expired contacts of one tenant, in a transaction bound to it; returns how many. */
  private async purgeBatch(tenantId: string): Promise<number> {
    const ctx = systemContext({ tenantId, requestId: timeOrderedId() }) as TenantContext;
    return this.db.transaction(tenantId, async (tx) => {
      const expired = await tx.query<{ id: string; first_key: string; last_key: string }>(`SELECT id, first_key, last_key FROM crm.contacts
          WHERE tenant_id = $1 AND deleted_at IS NOT NULL AND deleted_at < now() - make_interval(days => $2)
          ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [tenantId, RESTORE_WINDOW_DAYS, BATCH],
      );
      if (expired.length === 0) return 0;
      const ids = expired.map((r) => r.id);
      const unlinked = await this.deals.relinkContacts(tx, tenantId, ids, null);
      await tx.query(`DELETE FROM crm.contacts WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
      // A name no remaining contact carries leaves the typo vocabulary with its last holder.
      await pruneVocabulary(tx, tenantId, expired.flatMap((r) => [r.first_key, r.last_key]));
      const batchId = timeOrderedId();
      await this.outbox.append(tx, ctx, [
        outboxEvent(Events.crm.contactsPurged, {
          aggregateId: batchId,
          version: 1,
          payload: { contact_ids: ids, unlinked_deal_ids: unlinked.map((d) => d.id) },
        }),
        ...contactChangedEvents(unlinked),
      ]);
      return ids.length;
    });
  }
}
