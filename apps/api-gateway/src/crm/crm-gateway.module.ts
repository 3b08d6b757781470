import { Module } from '@nestjs/common';
import { CompaniesController } from './companies.controller';
import { ContactsController } from './contacts.controller';
import { CsvBodyParser } from './csv-body.parser';
import { CustomFieldsController } from './custom-fields.controller';
import { DealsController } from './deals.controller';
import { ImportsController } from './imports.controller';
import { PipelinesController } from './pipelines.controller';

/** The CRM routes of the public API: validation and access here, everything else in crm-service. */
@Module({
  controllers: [ContactsController, CompaniesController, DealsController, PipelinesController, CustomFieldsController, ImportsController],
  providers: [CsvBodyParser],
})
export class CrmGatewayModule {}
