import type { ContactView } from './contact.dto';
import type { CompanyView } from './company.dto';
import type { DealView } from './deal.dto';
import type { PipelineView } from './pipeline.dto';
import type { ImportStatus } from './import.dto';

/** Payloads of the events crm-service publishes (inside an {@link EventEnvelope}). */
export interface ContactCreatedEvent {
  contact: ContactView;
  /** Set when the contact came from a CSV import. */
  import_id?: string;
}
export interface ContactUpdatedEvent {
  contact: ContactView;
  /** Names of the fields that changed. */
  changed: string[];
}
export interface ContactDeletedEvent {
  contact_id: string;
}
export interface ContactRestoredEvent {
  contact: ContactView;
}
/** Other services re-point their records from `merged_id` to `survivor_id`. */
export interface ContactMergedEvent {
  survivor_id: string;
  merged_id: string;
  contact: ContactView;
}
export interface CompanyEvent {
  company: CompanyView;
}
export interface CompanyDeletedEvent {
  company_id: string;
}
export interface DealEvent {
  deal: DealView;
}
export interface DealUpdatedEvent extends DealEvent {
  changed: string[];
}
export interface DealDeletedEvent {
  deal_id: string;
}
export interface DealStageChangedEvent {
  deal_id: string;
  pipeline_id: string;
  from_stage: string | null;
  to_stage: string;
  changed_by: string | null;
  changed_at: string;
  deal: DealView;
}
export interface PipelineEvent {
  pipeline: PipelineView;
}
/** Progress of a CSV import, for the realtime channel (`import.progress`). */
export interface ImportProgressEvent {
  import_id: string;
  status: ImportStatus;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  user_id: string | null;
}
/**
 * Contacts written by one batch of a CSV import. An import announces its contacts per batch
 * rather than one `contact.created` each, so a million-row file does not become a million events.
 */
export interface ContactsImportedEvent {
  import_id: string;
  created_ids: string[];
  updated_ids: string[];
}

/**
 * Contacts deleted longer ago than the restore window, now erased for good (one event per batch).
 * Other services erase or detach what they hold about these contacts; the deals listed lost
 * their link to one of them.
 */
export interface ContactsPurgedEvent {
  contact_ids: string[];
  unlinked_deal_ids: string[];
}
