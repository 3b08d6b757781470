import { ServiceConfig } from '@engage/config';

/** user-service settings: the shared service settings (see libs/config). */
export class UserConfig extends ServiceConfig {
  override PORT = 3001;
}
