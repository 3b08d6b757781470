import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from '@engage/logging';
import { LOGGER, RecurringTask, SERVICE_CONFIG } from '@engage/service-runtime';
import type { CrmConfig } from '../config';
import { ImportsRepository } from './imports.repository';

/** Abandoned uploads looked at per query; a round repeats until fewer come back. */
const BATCH = 200;
/** Batches per round at most, so one round never runs unbounded; the next round goes on. */
const MAX_BATCHES = 50;

export interface SweepRound {
  jobs: number;
}

const SWEEP_JOB = 'crm-import-sweep';

/**
 * Deletes uploads that stopped half-way and that nobody abandoned: the gateway crashed, or its
 * call to `crm.imports.abandon` was lost. A job still `receiving` whose last chunk is older than
 * IMPORT_ABANDONED_AFTER_MS will never be started, and would otherwise keep up to 100 MB of
 * chunks for ever. Runs every IMPORT_SWEEP_INTERVAL_MS on each replica; deleting twice is
 * harmless, and a chunk arriving meanwhile keeps its upload.
 */
@Injectable()
export class ImportSweeper extends RecurringTask {
  constructor(
    private readonly imports: ImportsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: CrmConfig,
    scheduler: SchedulerRegistry,
  ) {
    super(scheduler, SWEEP_JOB, logger, config.IMPORT_SWEEP_INTERVAL_MS);
  }

  /** One round over every tenant's silent uploads (exposed for tests). */
  async runOnce(): Promise<SweepRound> {
    const silentMs = this.config.IMPORT_ABANDONED_AFTER_MS;
    const round: SweepRound = { jobs: 0 };
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const found = await this.imports.findAbandoned(silentMs, BATCH);
      const byTenant = new Map<string, string[]>();
      for (const job of found) byTenant.set(job.tenant_id, [...(byTenant.get(job.tenant_id) ?? []), job.id]);
      let deleted = 0;
      for (const [tenantId, ids] of byTenant) deleted += await this.imports.removeAbandoned(tenantId, ids, silentMs);
      round.jobs += deleted;
      // Fewer than a batch: nothing is left. None deleted: what is left got a chunk meanwhile.
      if (found.length < BATCH || deleted === 0) break;
    }
    if (round.jobs > 0) this.logger.info({ ...round, silent_ms: silentMs }, 'deleted abandoned import uploads');
    return round;
  }
}
