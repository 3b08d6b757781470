import { Module } from '@nestjs/common';
import { IdentityTenantModules, TenantModules } from '@engage/access';
import { ActivityModule } from '../activity.module';
import { ContactMatcher, NatsContactMatcher } from './contact-matcher';
import { GmailConnectionsRepository } from './gmail-connections.repository';
import { GmailConnectionsService } from './gmail-connections.service';
import { GmailCredentials } from './gmail-credentials';
import { GmailSettingsRepository } from './gmail-settings.repository';
import { GmailSettingsService } from './gmail-settings.service';
import { GmailHandler } from './gmail.handler';
import { GmailSync } from './gmail-sync';
import { GoogleMail } from './google-mail';

/** Gmail sync: users' mailbox connections, and their mail kept on the contacts' timelines. */
@Module({
  imports: [ActivityModule],
  controllers: [GmailHandler],
  providers: [
    GmailSettingsRepository,
    GmailSettingsService,
    GmailConnectionsRepository,
    GmailConnectionsService,
    GmailCredentials,
    GmailSync,
    GoogleMail,
    { provide: ContactMatcher, useClass: NatsContactMatcher },
    { provide: TenantModules, useClass: IdentityTenantModules },
  ],
})
export class GmailModule {}
