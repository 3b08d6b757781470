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
