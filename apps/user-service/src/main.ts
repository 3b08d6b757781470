import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { bootstrapService } from '@engage/service-runtime';
import { AppModule } from './app.module';
import { UserConfig } from './config';
import { userServiceDefinition } from './database/definition';

bootstrapService({
  definition: userServiceDefinition,
  config: loadConfig(UserConfig),
  module: (config, logger) => AppModule.register(config, logger),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
