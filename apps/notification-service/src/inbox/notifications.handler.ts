import { Payload } from '@nestjs/microservices';
import {
  CreateBroadcastRequest,
  type EmptyRequest,
  ListNotificationsQuery,
  NotificationIdCommand,
  Subjects,
  UpdateNotificationPreferencesRequest,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { BroadcastsService } from './broadcasts.service';
import { InboxService } from './inbox.service';

/** The inbox, preferences and broadcasts: always the caller's own inbox. */
@RpcController()
export class NotificationsHandler {
  constructor(
    private readonly inbox: InboxService,
    private readonly broadcasts: BroadcastsService,
  ) {}

  @Handles(Subjects.notification.notifications.list)
  list(@Payload() query: ListNotificationsQuery, @Caller() ctx: RequestContext) {
    return this.inbox.list(ctx, query);
  }

  @Handles(Subjects.notification.notifications.read)
  read(@Payload() input: NotificationIdCommand, @Caller() ctx: RequestContext) {
    return this.inbox.markRead(ctx, input.id);
  }

  @Handles(Subjects.notification.notifications.readAll)
  readAll(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.inbox.readAll(ctx);
  }

  @Handles(Subjects.notification.notifications.unreadCount)
  unreadCount(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.inbox.unreadCount(ctx);
  }

  @Handles(Subjects.notification.preferences.get)
  preferences(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.inbox.preferences(ctx);
  }

  @Handles(Subjects.notification.preferences.update)
  updatePreferences(@Payload() input: UpdateNotificationPreferencesRequest, @Caller() ctx: RequestContext) {
    return this.inbox.updatePreferences(ctx, input);
  }

  @Handles(Subjects.notification.broadcasts.create)
  broadcast(@Payload() input: CreateBroadcastRequest, @Caller() ctx: RequestContext) {
    return this.broadcasts.create(ctx, input);
  }
}
