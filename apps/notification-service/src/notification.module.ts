import { IdentityTenantModules, TenantModules } from '@engage/access';
import { Module } from '@nestjs/common';
import { EmailHandler } from './email/email.handler';
import { EmailService } from './email/email.service';
import { Mailer, SmtpMailer } from './email/mailer';
import { BroadcastsService } from './inbox/broadcasts.service';
import { InboxService } from './inbox/inbox.service';
import { NotificationsHandler } from './inbox/notifications.handler';
import { InboxSourcesConsumer } from './sources/inbox-sources.consumer';
import { RealtimeSourcesConsumer } from './sources/realtime-sources.consumer';
import { RecordOwners } from './sources/record-owners';
import { NatsStreamPublisher, StreamPublisher } from './stream/stream-publisher';
import { StreamHandler } from './stream/stream.handler';
import { StreamRetention } from './stream/stream-retention';
import { UserStreams } from './stream/user-streams';
import { WebhookDeliveryWorker } from './webhooks/delivery-worker';
import { WebhookSecrets } from './webhooks/webhook-secrets';
import { WebhookSender } from './webhooks/webhook-sender';
import { WebhookSourcesConsumer } from './webhooks/webhook-sources.consumer';
import { WebhooksHandler } from './webhooks/webhooks.handler';
import { WebhooksService } from './webhooks/webhooks.service';
import { WebhookWorkerSignal } from './webhooks/worker-signal';

/**
 * Each user's realtime stream (read by the gateway's WebSocket), their inbox and preferences, admin
 * broadcasts, the emails Engage sends, and outbound webhooks.
 */
@Module({
  controllers: [StreamHandler, NotificationsHandler, EmailHandler, WebhooksHandler],
  providers: [
    UserStreams,
    StreamRetention,
    { provide: StreamPublisher, useClass: NatsStreamPublisher },
    InboxService,
    BroadcastsService,
    EmailService,
    { provide: Mailer, useClass: SmtpMailer },
    RecordOwners,
    RealtimeSourcesConsumer,
    InboxSourcesConsumer,
    WebhookSecrets,
    WebhookWorkerSignal,
    { provide: WebhookSender, useFactory: () => new WebhookSender() },
    WebhooksService,
    { provide: TenantModules, useClass: IdentityTenantModules },
    WebhookSourcesConsumer,
    WebhookDeliveryWorker,
  ],
})
export class NotificationModule {}
