import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@engage/logging';
import { ServiceRuntimeModule } from '@engage/service-runtime';
import type { ActivityConfig } from './config';
import { AuditModule } from './audit/audit.module';
import { ActivityModule } from './activity.module';
import { activityServiceDefinition } from './database/definition';
import { GmailModule } from './gmail/gmail.module';

@Module({})
export class AppModule {
  static register(config: ActivityConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceRuntimeModule.forRoot({ definition: activityServiceDefinition, config, logger }), AuditModule, ActivityModule, GmailModule],
    };
  }
}
