import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { runMigrationCli } from '@engage/service-runtime';
import { NotificationConfig } from './config';
import { notificationServiceDefinition } from './database/definition';

runMigrationCli(notificationServiceDefinition, loadConfig(NotificationConfig)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
