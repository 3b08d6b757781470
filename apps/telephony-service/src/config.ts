import { ServiceConfig } from '@engage/config';

/** telephony-service settings: the shared service settings (see libs/config). */
export class TelephonyConfig extends ServiceConfig {
  override PORT = 3003;
}
