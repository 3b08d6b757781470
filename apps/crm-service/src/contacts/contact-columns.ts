/** Column lists shared by the contact repository and the search query builder. */
import { isoTime } from '@engage/database';

/** The columns of a contact as the API shows it, computed by Postgres (one JSON-ready row). */
export const VIEW = `c.id, c.first_name, c.last_name, c.emails, c.phones, c.company_id, c.title, c.owner_id, c.lifecycle_stage,
  c.lead_score, c.tags, c.source, c.timezone, c.custom_fields, c.notes,
  ${isoTime('c.last_contacted_at')} AS last_contacted_at, ${isoTime('c.created_at')} AS created_at,
  ${isoTime('c.updated_at')} AS updated_at, ${isoTime('c.deleted_at')} AS deleted_at, c.version`;

export const SORT_COLUMNS: Record<string, { column: string; cast: string; text: string }> = {
  name: { column: 'c.name_sort', cast: 'text', text: 'c.name_sort' },
  created_at: { column: 'c.created_at', cast: 'timestamptz', text: isoTime('c.created_at') },
  updated_at: { column: 'c.updated_at', cast: 'timestamptz', text: isoTime('c.updated_at') },
  lead_score: { column: 'c.lead_score', cast: 'integer', text: 'c.lead_score' },
};
