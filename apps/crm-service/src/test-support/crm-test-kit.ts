import type { Role } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { OutboxWriter } from '@engage/messaging';
import { CompaniesRepository } from '../companies/companies.repository';
import { CompaniesService } from '../companies/companies.service';
import { ContactsRepository } from '../contacts/contacts.repository';
import { ContactsService } from '../contacts/contacts.service';
import { CustomFieldsRepository } from '../custom-fields/custom-fields.repository';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { crmServiceDefinition, SCHEMA } from '../database/definition';
import { DealsRepository } from '../deals/deals.repository';
import { DealsService } from '../deals/deals.service';
import { createLogger } from '@engage/logging';
import { ImportBatchWriter } from '../imports/import-batch-writer';
import { ImportRunner } from '../imports/import-runner';
import { ImportsRepository } from '../imports/imports.repository';
import { ImportsService } from '../imports/imports.service';
import { PipelinesRepository } from '../pipelines/pipelines.repository';
import { PipelinesService } from '../pipelines/pipelines.service';
import { KitUsers, openServiceDatabase, outboxEvents } from '@engage/testing/kit';

/**
 * crm-service's services wired by hand against a real database (the runtime role, so row-level
 * security applies), for integration specs. Each test makes its own tenant: no truncation.
 */
export async function startCrmKit() {
  const db = await openServiceDatabase(crmServiceDefinition);
  const users = new KitUsers();
  const outbox = new OutboxWriter(SCHEMA);
  const contactsRepository = new ContactsRepository(db);
  const companiesRepository = new CompaniesRepository(db);
  const dealsRepository = new DealsRepository(db);
  const customFields = new CustomFieldsService(db, new CustomFieldsRepository(db));
  const pipelines = new PipelinesService(db, new PipelinesRepository(db), outbox);
  const contacts = new ContactsService(db, contactsRepository, companiesRepository, dealsRepository, customFields, outbox, users);
  const companies = new CompaniesService(db, companiesRepository, contacts, customFields, outbox);
  const deals = new DealsService(db, dealsRepository, companiesRepository, pipelines, customFields, outbox, users);
  const importsRepository = new ImportsRepository(db);
  const runner = new ImportRunner(
    db,
    importsRepository,
    customFields,
    new ImportBatchWriter(db, contactsRepository, companiesRepository, importsRepository, outbox),
    createLogger({ service: 'crm-int-spec', level: 'silent', sync: true }),
  );
  const imports = new ImportsService(db, importsRepository, runner);

  return {
    db,
    contacts,
    companies,
    deals,
    pipelines,
    customFields,
    contactsRepository,
    imports,
    importsRepository,
    /** Uploads `csv` in chunks of `chunkBytes`, starts the import and runs it to its end, as the worker would. */
    async runImport(ctx: TenantContext, csv: Buffer | string, options: Parameters<ImportsService['create']>[1] = {}, chunkBytes = 64 * 1024) {
      const { job_id } = await imports.create(ctx, options);
      const bytes = Buffer.isBuffer(csv) ? csv : Buffer.from(csv);
      for (let seq = 0, at = 0; at < bytes.length; seq++, at += chunkBytes) {
        await imports.append(ctx, { id: job_id, seq, data: bytes.subarray(at, at + chunkBytes).toString('base64') });
      }
      await imports.start(ctx, job_id);
      const job = await db.transaction(ctx.tenantId, (tx) => importsRepository.lock(tx, ctx.tenantId, job_id));
      if (job?.status === 'queued') await runner.process(job);
      return imports.get(ctx, job_id);
    },
    newTenant: (role?: Role) => users.newTenant(role),
    as: (ctx: TenantContext, role: Role, userId?: string) => users.as(ctx, role, userId),
    deactivate: (userId: string) => users.deactivate(userId),
    /** The events the tenant's outbox holds, oldest first. */
    events: (tenantId: string) => outboxEvents(db, SCHEMA, tenantId),
    close: async () => {
      await db.close();
    },
  };
}

export type CrmKit = Awaited<ReturnType<typeof startCrmKit>>;
