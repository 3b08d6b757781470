import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { runMigrationCli } from '@engage/service-runtime';
import { CrmConfig } from './config';
import { crmServiceDefinition } from './database/definition';

runMigrationCli(crmServiceDefinition, loadConfig(CrmConfig)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
