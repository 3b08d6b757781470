import { EventStreams, Services } from '@engage/contracts';
import { messagingEntities } from '@engage/messaging';
import type { ServiceDefinition } from '@engage/service-runtime';
import { migrations } from '../migrations';

export const SCHEMA = 'crm';

export const crmServiceDefinition: ServiceDefinition = {
  name: Services.crm,
  schema: SCHEMA,
  entities: [...messagingEntities(SCHEMA)],
  migrations,
  stream: EventStreams.crm,
};
