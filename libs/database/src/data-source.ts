import { DataSource, type EntitySchema, type MixedList } from 'typeorm';

export interface DataSourceOptions {
  /** postgres:// URL of the role to connect as (runtime role, or owner role for migrations). */
  url: string;
  /** The one schema this service owns; also where its migrations table lives. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  poolSize?: number;
  applicationName: string;
}

/**
 * A TypeORM data source bound to one service schema. Schema sync is always off: the schema only
 * changes through migrations, and CI proves the entities and migrations agree.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations ?? [],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName,
      // Unqualified names resolve to the service's own schema only.
      // OLTP queries never gain from JIT or parallel workers; both only add latency under load.
      options: `-c search_path=${options.schema} -c jit=off -c max_parallel_workers_per_gather=0`,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
    },
  });
}

/**
 * The SQL that generating a migration from the entities would produce. Empty means the
 * migrations are complete; CI fails otherwise.
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((q) => q.query);
}
