import { ServiceConfig } from '@engage/config';

/** notification-service settings: the shared service settings (see libs/config). */
export class NotificationConfig extends ServiceConfig {
  override PORT = 3005;
}
