import { Module } from '@nestjs/common';
import { ActivitiesController } from './activities.controller';
import { GmailWebhooksController } from './gmail-webhooks.controller';
import { GmailController } from './gmail.controller';

/** The activity routes of the public API: validation and access here, everything else in activity-service. */
@Module({
  controllers: [ActivitiesController, GmailController, GmailWebhooksController],
})
export class ActivityGatewayModule {}
