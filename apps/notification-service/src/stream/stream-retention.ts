import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from '@engage/logging';
import { LOGGER, RecurringTask, SERVICE_CONFIG } from '@engage/service-runtime';
import type { NotificationConfig } from '../config';
import { UserStreams } from './user-streams';

const RETENTION_JOB = 'notification-stream-retention';

/**
 * Keeps each user's realtime stream to NOTIFICATION_STREAM_RETENTION_DAYS (7 by default): a client
 * away for longer reloads (`reset`) rather than replaying a week of entries. Runs every
 * NOTIFICATION_STREAM_RETENTION_INTERVAL_MS on each replica; deleting twice is harmless.
 */
@Injectable()
export class StreamRetention extends RecurringTask {
  constructor(
    private readonly streams: UserStreams,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    scheduler: SchedulerRegistry,
  ) {
    super(scheduler, RETENTION_JOB, logger, config.NOTIFICATION_STREAM_RETENTION_INTERVAL_MS);
  }

  /** One round (exposed for tests): the number of entries deleted. */
  async runOnce(): Promise<number> {
    const deleted = await this.streams.purgeExpired(this.config.NOTIFICATION_STREAM_RETENTION_DAYS);
    if (deleted > 0) this.logger.info({ deleted, retention_days: this.config.NOTIFICATION_STREAM_RETENTION_DAYS }, 'deleted expired stream entries');
    return deleted;
  }
}
