import { ServiceConfig } from '@engage/config';

/** activity-service settings: the shared service settings (see libs/config). */
export class ActivityConfig extends ServiceConfig {
  override PORT = 3004;
}
