import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { runMigrationCli } from '@engage/service-runtime';
import { TelephonyConfig } from './config';
import { telephonyServiceDefinition } from './database/definition';

runMigrationCli(telephonyServiceDefinition, loadConfig(TelephonyConfig)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
