import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { bootstrapService } from '@engage/service-runtime';
import { AppModule } from './app.module';
import { NotificationConfig } from './config';
import { notificationServiceDefinition } from './database/definition';

bootstrapService({
  definition: notificationServiceDefinition,
  config: loadConfig(NotificationConfig),
  module: (config, logger) => AppModule.register(config, logger),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
