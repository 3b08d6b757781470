import { ServiceConfig } from '@engage/config';

/** crm-service settings: the shared service settings (see libs/config). */
export class CrmConfig extends ServiceConfig {
  override PORT = 3002;
}
