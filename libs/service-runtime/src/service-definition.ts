import type { EntitySchema, MixedList } from 'typeorm';
import type { ServiceName, StreamSpec } from './deps';

/** What makes one service different from another, as far as the shared runtime cares. */
export interface ServiceDefinition {
  name: ServiceName;
  /** The Postgres schema it owns. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** The JetStream stream its outbox publishes to. */
  stream: StreamSpec;
  version?: string;
}
