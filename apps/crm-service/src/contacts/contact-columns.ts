/** Column lists shared by the contact repository and the search query builder. */
import { type CursorValueKind, isoTime } from '@engage/database';

/** The columns of a contact as the API shows it, computed by Postgres (one JSON-ready row). */
export const VIEW = `c.id, c.first_name, c.last_name, c.emails, c.phones, c.company_id, c.title, c.owner_id, c.lifecycle_stage,
  c.lead_score, c.tags, c.source, c.timezone, c.custom_fields, c.notes,
  ${isoTime('c.last_contacted_at')} AS last_contacted_at, ${isoTime('c.created_at')} AS created_at,
  ${isoTime('c.updated_at')} AS updated_at, ${isoTime('c.deleted_at')} AS deleted_at, c.version`;

export const SORT_COLUMNS: Record<string, { column: string; cast: string; text: string; kind: CursorValueKind }> = {
  name: { column: 'c.name_sort', cast: 'text', text: 'c.name_sort', kind: 'text' },
  created_at: { column: 'c.created_at', cast: 'timestamptz', text: isoTime('c.created_at'), kind: 'timestamp' },
  updated_at: { column: 'c.updated_at', cast: 'timestamptz', text: isoTime('c.updated_at'), kind: 'timestamp' },
  lead_score: { column: 'c.lead_score', cast: 'integer', text: 'c.lead_score', kind: 'integer' },
};

/** What a contact list cursor's value must be for this sort key (a relevance position is text: a JSON array). */
export const contactCursorKind = (sortKey: string): CursorValueKind => SORT_COLUMNS[sortKey]?.kind ?? 'text';
