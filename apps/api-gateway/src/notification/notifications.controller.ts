import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BroadcastView,
  CreateBroadcastRequest,
  ListNotificationsQuery,
  NotificationPage,
  NotificationPreferencesView,
  NotificationView,
  ReadAllView,
  Subjects,
  UnreadCountView,
  UpdateNotificationPreferencesRequest,
} from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { IdParam } from '../crm/id-param';
import { Idempotent } from '../http/idempotency.interceptor';
import { Ctx } from '../http/request-context';

/** A broadcast asks user-service for every user and writes one notification each. */
const BROADCAST_TIMEOUT_MS = 30_000;

/** The caller's own notification inbox: list, mark read, unread count (SPEC section 4). */
@ApiTags('notifications')
@Controller('v1/notifications')
export class NotificationsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('notifications', 'read')
  @Get()
  @ApiOperation({ summary: 'My notifications, newest first (`unread=true`: only unread ones)' })
  @ApiOkResponse({ type: NotificationPage })
  @ApiBadRequestResponse({ description: 'unread other than true/false, a limit outside 1–200, or a cursor not made for this list' })
  list(@Query() query: ListNotificationsQuery, @Ctx() ctx: TenantContext): Promise<NotificationPage> {
    return this.rpc.request(Subjects.notification.notifications.list, query, ctx);
  }

  @RequirePermission('notifications', 'read')
  @Get('unread-count')
  @ApiOperation({ summary: 'How many of my notifications are unread' })
  @ApiOkResponse({ type: UnreadCountView })
  unreadCount(@Ctx() ctx: TenantContext): Promise<UnreadCountView> {
    return this.rpc.request(Subjects.notification.notifications.unreadCount, {}, ctx);
  }

  @RequirePermission('notifications', 'update')
  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all my notifications read' })
  @ApiOkResponse({ type: ReadAllView })
  readAll(@Ctx() ctx: TenantContext): Promise<ReadAllView> {
    return this.rpc.request(Subjects.notification.notifications.readAll, {}, ctx);
  }

  @RequirePermission('notifications', 'update')
  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my notifications read (again: no change)' })
  @ApiOkResponse({ type: NotificationView })
  @ApiNotFoundResponse({ description: 'No notification of mine with this id (another user’s is not found either)' })
  read(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<NotificationView> {
    return this.rpc.request(Subjects.notification.notifications.read, { id }, ctx);
  }
}

/** Which kinds of notification reach me, in the app and/or by email. */
@ApiTags('notifications')
@Controller('v1/notification-preferences')
export class NotificationPreferencesController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('notifications', 'read')
  @Get()
  @ApiOperation({ summary: 'My preferences for every kind (defaults: in-app on, email off)' })
  @ApiOkResponse({ type: NotificationPreferencesView })
  get(@Ctx() ctx: TenantContext): Promise<NotificationPreferencesView> {
    return this.rpc.request(Subjects.notification.preferences.get, {}, ctx);
  }

  @RequirePermission('notifications', 'update')
  @Put()
  @ApiOperation({ summary: 'Set my preferences for the kinds listed (the others keep theirs)' })
  @ApiOkResponse({ type: NotificationPreferencesView })
  @ApiBadRequestResponse({ description: 'An unknown kind, a kind listed twice, or in_app/email that are not booleans' })
  update(@Body() body: UpdateNotificationPreferencesRequest, @Ctx() ctx: TenantContext): Promise<NotificationPreferencesView> {
    return this.rpc.request(Subjects.notification.preferences.update, body, ctx);
  }
}

/** Admin announcements to everyone in the tenant. */
@ApiTags('notifications')
@Controller('v1/broadcasts')
export class BroadcastsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('notifications', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Send a notification to every active user of the tenant (admins)' })
  @ApiCreatedResponse({ type: BroadcastView })
  @ApiBadRequestResponse({ description: 'A blank or too long title (200) or body (10,000), or unknown fields' })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  create(@Body() body: CreateBroadcastRequest, @Ctx() ctx: TenantContext): Promise<BroadcastView> {
    return this.rpc.request(Subjects.notification.broadcasts.create, body, ctx, { timeoutMs: BROADCAST_TIMEOUT_MS });
  }
}
