import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@engage/logging';
import { ServiceRuntimeModule } from '@engage/service-runtime';
import type { NotificationConfig } from './config';
import { notificationServiceDefinition } from './database/definition';
import { NotificationModule } from './notification.module';

@Module({})
export class AppModule {
  static register(config: NotificationConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceRuntimeModule.forRoot({ definition: notificationServiceDefinition, config, logger }), NotificationModule],
    };
  }
}
