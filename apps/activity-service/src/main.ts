import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { bootstrapService } from '@engage/service-runtime';
import { AppModule } from './app.module';
import { ActivityConfig } from './config';
import { activityServiceDefinition } from './database/definition';

bootstrapService({
  definition: activityServiceDefinition,
  config: loadConfig(ActivityConfig),
  module: (config, logger) => AppModule.register(config, logger),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
