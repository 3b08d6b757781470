// @ts-check
// The files `npm run new:service` writes, as functions of the new service's names. The skeleton
// part (boot, config, schema definition, migrations, migrate CLI) is what every service starts
// from; the sample part (a tenant table under RLS, two request handlers, an event, the gateway
// routes and their tests) shows the service kit end to end and is meant to be replaced.

/**
 * @typedef {object} Names
 * @property {string} name      kebab-case, e.g. "telephony"
 * @property {string} app       "telephony-service"
 * @property {string} camel     "telephony"
 * @property {string} pascal    "Telephony"
 * @property {string} schema    PostgreSQL schema, e.g. "telephony"
 * @property {string} prefix    NATS subject prefix
 * @property {string} stream    JetStream stream, e.g. "EVT_TELEPHONY"
 * @property {number} port      its HTTP port (health, metrics) when run alone
 * @property {number} timestamp of its first migration
 */

/** @param {Names} n */
export const skeleton = (n) => ({
  [`apps/${n.app}/project.json`]: `{
  "name": "${n.app}",
  "$schema": "../../node_modules/nx/schemas/project-schema.json",
  "projectType": "application",
  "sourceRoot": "apps/${n.app}/src",
  "tags": ["type:app"]
}
`,
  [`apps/${n.app}/package.json`]: `{ "name": "@engage/${n.app}", "version": "0.1.0", "private": true }
`,
  [`apps/${n.app}/src/config.ts`]: `import { ServiceConfig } from '@engage/config';

/** ${n.app} settings: the shared service settings (see libs/config). */
export class ${n.pascal}Config extends ServiceConfig {
  override PORT = ${n.port};
}
`,
  [`apps/${n.app}/src/database/definition.ts`]: `import { EventStreams, Services } from '@engage/contracts';
import { messagingEntities } from '@engage/messaging';
import type { ServiceDefinition } from '@engage/service-runtime';
import { migrations } from '../migrations';

export const SCHEMA = '${n.schema}';

export const ${n.camel}ServiceDefinition: ServiceDefinition = {
  name: Services.${n.camel},
  schema: SCHEMA,
  entities: [...messagingEntities(SCHEMA)],
  migrations,
  stream: EventStreams.${n.camel},
};
`,
  [`apps/${n.app}/src/migrations/${n.timestamp}-Messaging.ts`]: `import { messagingTablesMigration } from '@engage/messaging';

/** The outbox, inbox and applied-versions tables every service uses for its events, with RLS. */
export const Messaging${n.timestamp} = messagingTablesMigration('${n.schema}', ${n.timestamp});
`,
  [`apps/${n.app}/src/migrations/${n.timestamp + 1}-MessagingRetention.ts`]: `import { messagingRetentionMigration } from '@engage/messaging';

/** When consumer bookkeeping was written, so the retention job can delete what the stream no longer holds. */
export const MessagingRetention${n.timestamp + 1} = messagingRetentionMigration('${n.schema}', ${n.timestamp + 1});
`,
  [`apps/${n.app}/src/main.ts`]: `import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { bootstrapService } from '@engage/service-runtime';
import { AppModule } from './app.module';
import { ${n.pascal}Config } from './config';
import { ${n.camel}ServiceDefinition } from './database/definition';

bootstrapService({
  definition: ${n.camel}ServiceDefinition,
  config: loadConfig(${n.pascal}Config),
  module: (config, logger) => AppModule.register(config, logger),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`,
  [`apps/${n.app}/src/migrate.ts`]: `import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { runMigrationCli } from '@engage/service-runtime';
import { ${n.pascal}Config } from './config';
import { ${n.camel}ServiceDefinition } from './database/definition';

runMigrationCli(${n.camel}ServiceDefinition, loadConfig(${n.pascal}Config)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
`,
});

/** @param {Names} n @param {boolean} withSample */
export const appModule = (n, withSample) => `import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@engage/logging';
import { ServiceRuntimeModule } from '@engage/service-runtime';
import type { ${n.pascal}Config } from './config';
import { ${n.camel}ServiceDefinition } from './database/definition';
${withSample ? `import { NotesHandler } from './notes/notes.handler';\nimport { NotesRepository } from './notes/notes.repository';\nimport { NotesService } from './notes/notes.service';\n` : ''}
@Module({})
export class AppModule {
  static register(config: ${n.pascal}Config, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceRuntimeModule.forRoot({ definition: ${n.camel}ServiceDefinition, config, logger })],${withSample ? `\n      controllers: [NotesHandler],\n      providers: [NotesService, NotesRepository],` : ''}
    };
  }
}
`;

/** @param {Names} n @param {string[]} migrationNames  class names, in order */
export const migrationIndex = (n, migrationNames) => `${migrationNames.map((m) => `import { ${m} } from './${m.replace(/^(\D+)(\d+)$/, '$2-$1')}';`).join('\n')}

/** Applied in this order; each one is reversible (down). */
export const migrations = [${migrationNames.join(', ')}];
`;

/** @param {Names} n */
export const readme = (n) => `# ${n.app}

Generated by \`npm run new:service -- ${n.name}\`. It boots through \`libs/service-runtime\`
(config, JSON logs, NATS, its database as \`${n.schema}_app\` under row-level security, Redis, the
outbox relay, event consumers, health at \`/health/live\` and \`/health/ready\`, \`/metrics\`) and
owns the schema \`${n.schema}\` (roles \`${n.schema}_owner\`, \`${n.schema}_app\`), the subject prefix
\`${n.prefix}.\` and the stream \`${n.stream}\`.

The sample feature (notes: \`src/notes/\`, \`libs/contracts/src/${n.name}/\`, the gateway's
\`apps/api-gateway/src/${n.name}/\`) shows the kit end to end; replace it with the real one.
`;
