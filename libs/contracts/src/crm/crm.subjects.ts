import { eventSubject, rpcSubject, type EmptyRequest } from '../subjects/typed-subject';
import type { CompanyIdCommand, CompanyPage, CompanyView, CreateCompanyRequest, DeleteCompanyCommand, ListCompaniesQuery, UpdateCompanyCommand } from './company.dto';
import type {
  ContactIdCommand,
  ContactList,
  ContactPage,
  ContactEmailMatches,
  ContactsByEmailsCommand,
  ContactsByPhoneCommand,
  ContactView,
  CreateContactCommand,
  DeleteContactCommand,
  ListContactsQuery,
  MergeContactCommand,
  UpdateContactCommand,
} from './contact.dto';
import type { CreateCustomFieldRequest, CustomFieldIdCommand, CustomFieldList, CustomFieldView, ListCustomFieldsQuery } from './custom-field.dto';
import type { CreateDealRequest, DealIdCommand, DealPage, DealStageHistory, DealView, DeleteDealCommand, ListDealsQuery, UpdateDealCommand } from './deal.dto';
import type {
  AppendImportCommand,
  CreateImportCommand,
  ImportAccepted,
  ImportErrorPage,
  ImportErrorsCommand,
  ImportIdCommand,
  ImportView,
} from './import.dto';
import type { CreatePipelineRequest, PipelineList, PipelineView, UpdatePipelineCommand } from './pipeline.dto';
import type {
  CompanyDeletedEvent,
  CompanyEvent,
  ContactCreatedEvent,
  ContactDeletedEvent,
  ContactMergedEvent,
  ContactRestoredEvent,
  ContactsImportedEvent,
  ContactsPurgedEvent,
  ContactUpdatedEvent,
  DealDeletedEvent,
  DealEvent,
  DealStageChangedEvent,
  DealUpdatedEvent,
  ImportProgressEvent,
  PipelineEvent,
} from './crm.events';

/** NATS request subjects answered by crm-service (`crm.<entity>.<verb>`), with their types. */
export const CrmSubjects = {
  contacts: {
    create: rpcSubject<CreateContactCommand, ContactView>('crm.contacts.create'),
    get: rpcSubject<ContactIdCommand, ContactView>('crm.contacts.get'),
    list: rpcSubject<ListContactsQuery, ContactPage>('crm.contacts.list'),
    update: rpcSubject<UpdateContactCommand, ContactView>('crm.contacts.update'),
    delete: rpcSubject<DeleteContactCommand, void>('crm.contacts.delete'),
    restore: rpcSubject<ContactIdCommand, ContactView>('crm.contacts.restore'),
    merge: rpcSubject<MergeContactCommand, ContactView>('crm.contacts.merge'),
    /** The contacts carrying a number (another service matching a phone to its contacts, e.g. an inbound text's sender). */
    findByPhone: rpcSubject<ContactsByPhoneCommand, ContactList>('crm.contacts.find_by_phone'),
    /** Which live contacts carry which of these addresses (a mailbox sync matching participants to contacts). */
    matchEmails: rpcSubject<ContactsByEmailsCommand, ContactEmailMatches>('crm.contacts.match_emails'),
  },
  companies: {
    create: rpcSubject<CreateCompanyRequest, CompanyView>('crm.companies.create'),
    get: rpcSubject<CompanyIdCommand, CompanyView>('crm.companies.get'),
    list: rpcSubject<ListCompaniesQuery, CompanyPage>('crm.companies.list'),
    update: rpcSubject<UpdateCompanyCommand, CompanyView>('crm.companies.update'),
    delete: rpcSubject<DeleteCompanyCommand, void>('crm.companies.delete'),
  },
  pipelines: {
    list: rpcSubject<EmptyRequest, PipelineList>('crm.pipelines.list'),
    create: rpcSubject<CreatePipelineRequest, PipelineView>('crm.pipelines.create'),
    update: rpcSubject<UpdatePipelineCommand, PipelineView>('crm.pipelines.update'),
  },
  deals: {
    create: rpcSubject<CreateDealRequest, DealView>('crm.deals.create'),
    get: rpcSubject<DealIdCommand, DealView>('crm.deals.get'),
    list: rpcSubject<ListDealsQuery, DealPage>('crm.deals.list'),
    update: rpcSubject<UpdateDealCommand, DealView>('crm.deals.update'),
    delete: rpcSubject<DeleteDealCommand, void>('crm.deals.delete'),
    stageHistory: rpcSubject<DealIdCommand, DealStageHistory>('crm.deals.stage_history'),
  },
  customFields: {
    list: rpcSubject<ListCustomFieldsQuery, CustomFieldList>('crm.custom_fields.list'),
    create: rpcSubject<CreateCustomFieldRequest, CustomFieldView>('crm.custom_fields.create'),
    delete: rpcSubject<CustomFieldIdCommand, void>('crm.custom_fields.delete'),
  },
  imports: {
    create: rpcSubject<CreateImportCommand, ImportAccepted>('crm.imports.create'),
    append: rpcSubject<AppendImportCommand, { received_bytes: number }>('crm.imports.append'),
    start: rpcSubject<ImportIdCommand, ImportAccepted>('crm.imports.start'),
    get: rpcSubject<ImportIdCommand, ImportView>('crm.imports.get'),
    errors: rpcSubject<ImportErrorsCommand, ImportErrorPage>('crm.imports.errors'),
    /** Discards an upload that failed or was given up before `start`: the job and its chunks. */
    abandon: rpcSubject<ImportIdCommand, void>('crm.imports.abandon'),
  },
} as const;

/** Events published by crm-service (stream EVT_CRM), with their payload types. */
export const CrmEvents = {
  contactCreated: eventSubject<ContactCreatedEvent>('evt.crm.contact.created', 'contact'),
  contactUpdated: eventSubject<ContactUpdatedEvent>('evt.crm.contact.updated', 'contact'),
  contactDeleted: eventSubject<ContactDeletedEvent>('evt.crm.contact.deleted', 'contact'),
  contactRestored: eventSubject<ContactRestoredEvent>('evt.crm.contact.restored', 'contact'),
  contactMerged: eventSubject<ContactMergedEvent>('evt.crm.contact.merged', 'contact'),
  companyCreated: eventSubject<CompanyEvent>('evt.crm.company.created', 'company'),
  companyUpdated: eventSubject<CompanyEvent & { changed: string[] }>('evt.crm.company.updated', 'company'),
  companyDeleted: eventSubject<CompanyDeletedEvent>('evt.crm.company.deleted', 'company'),
  dealCreated: eventSubject<DealEvent>('evt.crm.deal.created', 'deal'),
  dealUpdated: eventSubject<DealUpdatedEvent>('evt.crm.deal.updated', 'deal'),
  dealDeleted: eventSubject<DealDeletedEvent>('evt.crm.deal.deleted', 'deal'),
  dealStageChanged: eventSubject<DealStageChangedEvent>('evt.crm.deal.stage_changed', 'deal'),
  pipelineCreated: eventSubject<PipelineEvent>('evt.crm.pipeline.created', 'pipeline'),
  pipelineUpdated: eventSubject<PipelineEvent>('evt.crm.pipeline.updated', 'pipeline'),
  contactsImported: eventSubject<ContactsImportedEvent>('evt.crm.contact.imported', 'import'),
  contactsPurged: eventSubject<ContactsPurgedEvent>('evt.crm.contact.purged', 'contact_purge'),
  importProgress: eventSubject<ImportProgressEvent>('evt.crm.import.progress', 'import'),
} as const;

/** Largest CSV accepted by `POST /v1/contacts/import` (SPEC section 4). */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
/** Largest chunk of an import file sent in one `crm.imports.append` request (NATS payloads are ~1 MB). */
export const IMPORT_CHUNK_BYTES = 512 * 1024;
/** How long a soft-deleted contact can be restored. */
export const RESTORE_WINDOW_DAYS = 30;
