// @ts-check
// Generates a TypeORM migration for one service from the difference between its entities and
// the database (the same thing `typeorm migration:generate` does), after applying the migrations
// that already exist. Run `npm run build` first: it loads the compiled service definition.
//
//   node tools/db/generate-migration.mjs crm-service AddDeals
//
// Row-level security, triggers and other SQL the entities cannot express are added by hand to
// the generated file (see libs/database/src/rls.ts and libs/messaging/src/outbox/outbox.migration.ts).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectionUrls } from '../infra/provision.mjs';

const require = createRequire(import.meta.url);
const [app, name] = process.argv.slice(2);
if (!app || !/^[A-Z][A-Za-z0-9]+$/.test(name ?? '')) {
  console.error('usage: node tools/db/generate-migration.mjs <app> <PascalCaseName>');
  process.exit(2);
}
const root = new URL('../..', import.meta.url).pathname;
const definitionFile = join(root, 'dist/apps', app, 'src/database/definition.js');
if (!existsSync(definitionFile)) {
  console.error(`${definitionFile} not found: run npm run build first`);
  process.exit(2);
}
require('reflect-metadata');
const definitionModule = require(definitionFile);
const definition = Object.values(definitionModule).find((v) => v && typeof v === 'object' && 'schema' in v);
const { createDataSource, pendingSchemaChanges } = require(join(root, 'dist/libs/database/src/index.js'));

const database = process.env.PGDATABASE ?? 'engage';
const url = connectionUrls({ database })[definition.schema].owner;
const dataSource = createDataSource({ url, schema: definition.schema, entities: definition.entities, migrations: definition.migrations, applicationName: 'generate-migration' });
await dataSource.initialize();
await dataSource.runMigrations({ transaction: 'each' });
const log = await dataSource.driver.createSchemaBuilder().log();
await dataSource.destroy();
if (log.upQueries.length === 0) {
  console.log('no changes: entities and migrations agree');
  process.exit(0);
}
void pendingSchemaChanges;
const timestamp = Date.now();
/** @param {string} s */
const q = (s) => '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
/** @param {{ query: string, parameters?: unknown[] }[]} queries */
const lines = (queries) => queries.map((x) => `    await queryRunner.query(${q(x.query)}${x.parameters?.length ? `, ${JSON.stringify(x.parameters)}` : ''});`).join('\n');
const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${lines(log.upQueries)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines([...log.downQueries].reverse())}
  }
}
`;
const file = join(root, 'apps', app, 'src/migrations', `${timestamp}-${name}.ts`);
await writeFile(file, source);
console.log(`wrote ${file}; add it to src/migrations/index.ts`);
