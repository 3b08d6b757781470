/** NATS request subjects answered by crm-service (`crm.<entity>.<verb>`). */
export const CrmSubjects = {
  createContact: 'crm.contacts.create',
  getContact: 'crm.contacts.get',
  listContacts: 'crm.contacts.list',
  updateContact: 'crm.contacts.update',
  deleteContact: 'crm.contacts.delete',
  restoreContact: 'crm.contacts.restore',
  mergeContacts: 'crm.contacts.merge',
  createCompany: 'crm.companies.create',
  getCompany: 'crm.companies.get',
  listCompanies: 'crm.companies.list',
  updateCompany: 'crm.companies.update',
  deleteCompany: 'crm.companies.delete',
  listPipelines: 'crm.pipelines.list',
  createPipeline: 'crm.pipelines.create',
  updatePipeline: 'crm.pipelines.update',
  createDeal: 'crm.deals.create',
  getDeal: 'crm.deals.get',
  listDeals: 'crm.deals.list',
  updateDeal: 'crm.deals.update',
  deleteDeal: 'crm.deals.delete',
  dealStageHistory: 'crm.deals.stage_history',
  listCustomFields: 'crm.custom_fields.list',
  createCustomField: 'crm.custom_fields.create',
  deleteCustomField: 'crm.custom_fields.delete',
  createImport: 'crm.imports.create',
  appendImport: 'crm.imports.append',
  startImport: 'crm.imports.start',
  getImport: 'crm.imports.get',
  importErrors: 'crm.imports.errors',
} as const;

/** Events published by crm-service (stream EVT_CRM). */
export const CrmEvents = {
  contactCreated: 'evt.crm.contact.created',
  contactUpdated: 'evt.crm.contact.updated',
  contactDeleted: 'evt.crm.contact.deleted',
  contactRestored: 'evt.crm.contact.restored',
  contactMerged: 'evt.crm.contact.merged',
  companyCreated: 'evt.crm.company.created',
  companyUpdated: 'evt.crm.company.updated',
  companyDeleted: 'evt.crm.company.deleted',
  dealCreated: 'evt.crm.deal.created',
  dealUpdated: 'evt.crm.deal.updated',
  dealDeleted: 'evt.crm.deal.deleted',
  dealStageChanged: 'evt.crm.deal.stage_changed',
  pipelineCreated: 'evt.crm.pipeline.created',
  pipelineUpdated: 'evt.crm.pipeline.updated',
  contactsImported: 'evt.crm.contact.imported',
  contactsPurged: 'evt.crm.contact.purged',
  importProgress: 'evt.crm.import.progress',
} as const;

/** Largest CSV accepted by `POST /v1/contacts/import` (SPEC section 4). */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
/** Largest chunk of an import file sent in one `crm.imports.append` request (NATS payloads are ~1 MB). */
export const IMPORT_CHUNK_BYTES = 512 * 1024;
/** How long a soft-deleted contact can be restored. */
export const RESTORE_WINDOW_DAYS = 30;
