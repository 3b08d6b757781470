import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { runMigrationCli } from '@engage/service-runtime';
import { UserConfig } from './config';
import { userServiceDefinition } from './database/definition';

runMigrationCli(userServiceDefinition, loadConfig(UserConfig)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
