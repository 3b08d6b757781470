import { ServiceConfig } from '@engage/config';

/** activity-service settings: the shared service settings (see libs/config). */
export class ActivityConfig extends ServiceConfig {
  override PORT = 3004;

  /**
   * Its event consumers record several events at once (the timeline's and the audit trail's take
   * eight each), beside the REST reads: a bigger pool than the default ten keeps them from queueing
   * behind each other.
   */
  override DB_POOL_SIZE = 24;
}
