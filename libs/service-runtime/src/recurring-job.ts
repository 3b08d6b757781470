import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from '@engage/logging';

/**
 * Background work a service repeats (the contact purge, the import sweep, consumer bookkeeping
 * retention), registered with @nestjs/schedule under its name so it is visible and stopped with
 * the others. A failed round is logged and the next one runs on time; stopping waits for the
 * round in hand.
 */
export class RecurringJob {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number, round: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      this.running = round().catch((error: unknown) => this.logger.error({ err: error, job: this.name }, `${this.name} failed`));
    }, intervalMs);
    timer.unref();
    this.scheduler.addInterval(this.name, timer);
  }

  async stop(): Promise<void> {
    if (this.scheduler.doesExist('interval', this.name)) this.scheduler.deleteInterval(this.name);
    await this.running;
  }
}

/**
 * A provider whose {@link runOnce} repeats every `intervalMs` while the service runs, as the
 * scheduler's job `name`: started once the application has booted, stopped at shutdown after the
 * round in hand. Tests call `runOnce` directly.
 */
export abstract class RecurringTask implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly job: RecurringJob;

  protected constructor(
    scheduler: SchedulerRegistry,
    name: string,
    logger: Logger,
    private readonly intervalMs: number,
  ) {
    this.job = new RecurringJob(scheduler, name, logger);
  }

  /** One round of the work. */
  abstract runOnce(): Promise<unknown>;

  onApplicationBootstrap(): void {
    this.job.start(this.intervalMs, () => this.runOnce());
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
