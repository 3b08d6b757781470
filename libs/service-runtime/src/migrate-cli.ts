import type { ServiceConfig } from '@engage/config';
import { createDataSource, pendingSchemaChanges, revertLastMigration, runMigrations } from '@engage/database';
import { createLogger } from '@engage/logging';
import type { ServiceDefinition } from './service-definition';

/**
 * The migration entry point of a service (`node dist/apps/<app>/src/migrate.js`), run by the
 * stack runner in development and by a Job before each deploy in production. It connects as the
 * schema-owner role. `--revert` undoes the last migration; `--check` exits 1 if the entities need
 * a migration that does not exist yet.
 */
export async function runMigrationCli(definition: ServiceDefinition, config: ServiceConfig, argv = process.argv.slice(2)) {
  const logger = createLogger({ service: `${definition.name}-migrate`, level: config.LOG_LEVEL, sync: true });
  const url = config.MIGRATION_DATABASE_URL;
  if (!url) {
    logger.error('MIGRATION_DATABASE_URL is required to run migrations');
    return 2;
  }
  const dataSource = createDataSource({
    url,
    schema: definition.schema,
    entities: definition.entities,
    migrations: definition.migrations,
    poolSize: 1,
    applicationName: `${definition.name}-migrate`,
  });
  await dataSource.initialize();
  try {
    if (argv.includes('--revert')) {
      await revertLastMigration(dataSource);
      logger.info('reverted the last migration');
      return 0;
    }
    const { applied } = await runMigrations(dataSource);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
    if (argv.includes('--check')) {
      const pending = await pendingSchemaChanges(dataSource);
      if (pending.length > 0) {
        logger.error({ pending }, 'entities and migrations disagree: generate a migration');
        return 1;
      }
    }
    return 0;
  } finally {
    await dataSource.destroy();
  }
}
