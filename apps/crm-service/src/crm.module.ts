import { Module } from '@nestjs/common';
import { CompaniesHandler } from './companies/companies.handler';
import { CompaniesRepository } from './companies/companies.repository';
import { CompaniesService } from './companies/companies.service';
import { ContactPurger } from './contacts/contact-purger';
import { ContactsHandler } from './contacts/contacts.handler';
import { ContactsRepository } from './contacts/contacts.repository';
import { ContactsService } from './contacts/contacts.service';
import { CustomFieldsHandler } from './custom-fields/custom-fields.handler';
import { CustomFieldsRepository } from './custom-fields/custom-fields.repository';
import { CustomFieldsService } from './custom-fields/custom-fields.service';
import { DealsHandler } from './deals/deals.handler';
import { DealsRepository } from './deals/deals.repository';
import { DealsService } from './deals/deals.service';
import { ImportBatchWriter } from './imports/import-batch-writer';
import { ImportRunner } from './imports/import-runner';
import { ImportSweeper } from './imports/import-sweeper';
import { ImportsHandler } from './imports/imports.handler';
import { ImportsRepository } from './imports/imports.repository';
import { ImportsService } from './imports/imports.service';
import { PipelinesHandler } from './pipelines/pipelines.handler';
import { PipelinesRepository } from './pipelines/pipelines.repository';
import { PipelinesService } from './pipelines/pipelines.service';
import { TenantCreatedConsumer } from './pipelines/tenant-created.consumer';
import { IdentityUserDirectory, UserDirectory } from '@engage/access';

/**
 * The CRM bounded context: contacts, companies, pipelines and deals, custom fields, imports. One module,
 * because these aggregates reference each other (a merge moves deals, a company rename touches
 * contacts' search columns); each keeps its own folder, repository and service.
 */
@Module({
  controllers: [ContactsHandler, CompaniesHandler, PipelinesHandler, DealsHandler, CustomFieldsHandler, ImportsHandler],
  providers: [
    ContactsRepository,
    ContactsService,
    ContactPurger,
    CompaniesRepository,
    CompaniesService,
    PipelinesRepository,
    PipelinesService,
    TenantCreatedConsumer,
    DealsRepository,
    DealsService,
    CustomFieldsRepository,
    CustomFieldsService,
    ImportsRepository,
    ImportBatchWriter,
    ImportRunner,
    ImportsService,
    ImportSweeper,
    { provide: UserDirectory, useClass: IdentityUserDirectory },
  ],
  exports: [ContactsService, ContactsRepository, CompaniesRepository, CustomFieldsService],
})
export class CrmModule {}
