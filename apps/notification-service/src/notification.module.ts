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

/**
 * Each user's realtime stream (read by the gateway's WebSocket), their inbox and preferences, admin
 * broadcasts, and the emails Engage sends.
 */
@Module({
  controllers: [StreamHandler, NotificationsHandler, EmailHandler],
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
  ],
})
export class NotificationModule {}
