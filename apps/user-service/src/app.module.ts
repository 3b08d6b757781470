import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@engage/logging';
import { ServiceRuntimeModule } from '@engage/service-runtime';
import type { UserConfig } from './config';
import { userServiceDefinition } from './database/definition';
import { IdentityModule } from './identity.module';

@Module({})
export class AppModule {
  static register(config: UserConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceRuntimeModule.forRoot({ definition: userServiceDefinition, config, logger }), IdentityModule],
    };
  }
}
