import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@engage/logging';
import { ServiceRuntimeModule } from '@engage/service-runtime';
import type { TelephonyConfig } from './config';
import { telephonyServiceDefinition } from './database/definition';
import { TelephonyModule } from './telephony.module';

@Module({})
export class AppModule {
  static register(config: TelephonyConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceRuntimeModule.forRoot({ definition: telephonyServiceDefinition, config, logger }), TelephonyModule],
    };
  }
}
