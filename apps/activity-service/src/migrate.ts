import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { runMigrationCli } from '@engage/service-runtime';
import { ActivityConfig } from './config';
import { activityServiceDefinition } from './database/definition';

runMigrationCli(activityServiceDefinition, loadConfig(ActivityConfig)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
