import { EventStreams, Services } from '@engage/contracts';
import { messagingEntities } from '@engage/messaging';
import type { ServiceDefinition } from '@engage/service-runtime';
import { migrations } from '../migrations';

export const SCHEMA = 'telephony';

export const telephonyServiceDefinition: ServiceDefinition = {
  name: Services.telephony,
  schema: SCHEMA,
  entities: [...messagingEntities(SCHEMA)],
  migrations,
  stream: EventStreams.telephony,
};
