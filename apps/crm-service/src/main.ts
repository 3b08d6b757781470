import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { bootstrapService } from '@engage/service-runtime';
import { AppModule } from './app.module';
import { CrmConfig } from './config';
import { crmServiceDefinition } from './database/definition';

bootstrapService({
  definition: crmServiceDefinition,
  config: loadConfig(CrmConfig),
  module: (config, logger) => AppModule.register(config, logger),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
