import { Module } from '@nestjs/common';
import { BroadcastsController, NotificationPreferencesController, NotificationsController } from './notifications.controller';
import { WebhooksController } from './webhooks.controller';

/** The notification and webhook routes of the public API (the realtime WebSocket lives in ../realtime). */
@Module({
  controllers: [NotificationsController, NotificationPreferencesController, BroadcastsController, WebhooksController],
})
export class NotificationGatewayModule {}
