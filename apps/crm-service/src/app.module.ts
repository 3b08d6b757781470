import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@engage/logging';
import { ServiceRuntimeModule } from '@engage/service-runtime';
import type { CrmConfig } from './config';
import { CrmModule } from './crm.module';
import { crmServiceDefinition } from './database/definition';

@Module({})
export class AppModule {
  static register(config: CrmConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceRuntimeModule.forRoot({ definition: crmServiceDefinition, config, logger }), CrmModule],
    };
  }
}
