import { Module } from '@nestjs/common';
import { BroadcastsController, NotificationPreferencesController, NotificationsController } from './notifications.controller';

/** The notification routes of the public API (the realtime WebSocket lives in ../realtime). */
@Module({
  controllers: [NotificationsController, NotificationPreferencesController, BroadcastsController],
})
export class NotificationGatewayModule {}
