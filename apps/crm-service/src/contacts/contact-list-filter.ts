import type { Cursor, SortSpec } from '@engage/database';
import type { RelevanceKey, SearchTerm } from './contact-search';

/** Ids an email or company prefix may contribute to a search (also the companies one search word may name). */
export const LOOKUP_LIMIT = 2000;

/** What a contact list asks for: the search terms, filters, sort and position (built by ContactsService). */
export interface ContactListFilter {
  terms: SearchTerm[];
  ownerId?: string;
  companyId?: string;
  tag?: string;
  lifecycleStage?: string;
  updatedSince?: string;
  /** JSON documents the custom_fields must contain. */
  customFields: Array<Record<string, unknown>>;
  deleted: boolean;
  sort: SortSpec;
  after: Cursor | null;
  /** The same cursor read as a relevance position (relevance sort only). */
  afterRelevance?: RelevanceKey | null;
  /** Rows to fetch: the page size plus one, to know whether there is more. */
  take: number;
}
