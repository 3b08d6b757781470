import { type EmptyRequest, rpcSubject } from '../subjects/typed-subject';
import type { Page } from '../common/pagination';
import type {
  BroadcastView,
  CreateBroadcastRequest,
  ListNotificationsQuery,
  NotificationIdCommand,
  NotificationPreferencesView,
  NotificationView,
  ReadAllView,
  SendLinkEmailReply,
  SendLinkEmailRequest,
  UnreadCountView,
  UpdateNotificationPreferencesRequest,
} from './notification.dto';
import { RealtimeSubjects } from './realtime';
import type {
  CreateWebhookRequest,
  ListWebhookDeliveriesCommand,
  UpdateWebhookCommand,
  WebhookDeliveryCommand,
  WebhookDeliveryPage,
  WebhookDeliveryView,
  WebhookIdCommand,
  WebhookPage,
  WebhookView,
  WebhookWithSecretView,
} from './webhooks.dto';

/** NATS request subjects answered by notification-service (`notification.<entity>.<verb>`). */
export const NotificationSubjects = {
  ...RealtimeSubjects,
  stream: {
    ...RealtimeSubjects.stream,
    /** The caller's latest seq, without entries (what `ready` reports to a client with nothing to replay). */
    latest: rpcSubject<EmptyRequest, { latest_seq: number }>('notification.stream.latest'),
  },
  notifications: {
    list: rpcSubject<ListNotificationsQuery, Page<NotificationView>>('notification.notifications.list'),
    read: rpcSubject<NotificationIdCommand, NotificationView>('notification.notifications.read'),
    readAll: rpcSubject<EmptyRequest, ReadAllView>('notification.notifications.read_all'),
    unreadCount: rpcSubject<EmptyRequest, UnreadCountView>('notification.notifications.unread_count'),
  },
  preferences: {
    get: rpcSubject<EmptyRequest, NotificationPreferencesView>('notification.preferences.get'),
    update: rpcSubject<UpdateNotificationPreferencesRequest, NotificationPreferencesView>('notification.preferences.update'),
  },
  broadcasts: {
    create: rpcSubject<CreateBroadcastRequest, BroadcastView>('notification.broadcasts.create'),
  },
  webhooks: {
    list: rpcSubject<EmptyRequest, WebhookPage>('notification.webhooks.list'),
    create: rpcSubject<CreateWebhookRequest, WebhookWithSecretView>('notification.webhooks.create'),
    get: rpcSubject<WebhookIdCommand, WebhookView>('notification.webhooks.get'),
    update: rpcSubject<UpdateWebhookCommand, WebhookView>('notification.webhooks.update'),
    delete: rpcSubject<WebhookIdCommand, { deleted: true }>('notification.webhooks.delete'),
    rotateSecret: rpcSubject<WebhookIdCommand, WebhookWithSecretView>('notification.webhooks.rotate_secret'),
    deliveries: rpcSubject<ListWebhookDeliveriesCommand, WebhookDeliveryPage>('notification.webhooks.deliveries'),
    test: rpcSubject<WebhookIdCommand, WebhookDeliveryView>('notification.webhooks.test'),
    redeliver: rpcSubject<WebhookDeliveryCommand, WebhookDeliveryView>('notification.webhooks.redeliver'),
  },
  email: {
    /** Carries a one-time token: only user-service calls it, and nothing logs its payload (ADR 0024). */
    sendLink: rpcSubject<SendLinkEmailRequest, SendLinkEmailReply>('notification.email.send_link'),
  },
} as const;
