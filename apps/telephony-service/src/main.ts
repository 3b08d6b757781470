import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { bootstrapService } from '@engage/service-runtime';
import { AppModule } from './app.module';
import { TelephonyConfig } from './config';
import { telephonyServiceDefinition } from './database/definition';

bootstrapService({
  definition: telephonyServiceDefinition,
  config: loadConfig(TelephonyConfig),
  module: (config, logger) => AppModule.register(config, logger),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
