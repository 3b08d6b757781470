import { type ImportTarget, ImportTargets } from '@engage/contracts';
import { ValidationError } from '@engage/errors';

/** Where one CSV column goes: a contact field or a custom field. */
export type ColumnTarget = { kind: 'field'; field: Exclude<ImportTarget, 'ignore'> } | { kind: 'custom'; key: string } | { kind: 'ignore' };

const SYNONYMS: Record<string, Exclude<ImportTarget, 'ignore'>> = {
  first_name: 'first_name', firstname: 'first_name', first: 'first_name', given_name: 'first_name', forename: 'first_name',
  last_name: 'last_name', lastname: 'last_name', last: 'last_name', surname: 'last_name', family_name: 'last_name',
  name: 'full_name', full_name: 'full_name', fullname: 'full_name', contact_name: 'full_name',
  email: 'email', e_mail: 'email', email_address: 'email', emails: 'email', mail: 'email',
  phone: 'phone', phone_number: 'phone', phones: 'phone', mobile: 'phone', mobile_phone: 'phone', telephone: 'phone', tel: 'phone',
  company: 'company', company_name: 'company', organization: 'company', organisation: 'company', account: 'company',
  title: 'title', job_title: 'title', position: 'title',
  lifecycle_stage: 'lifecycle_stage', stage: 'lifecycle_stage', lifecycle: 'lifecycle_stage',
  lead_score: 'lead_score', score: 'lead_score',
  tags: 'tags', tag: 'tags', labels: 'tags',
  source: 'source', lead_source: 'source',
  timezone: 'timezone', time_zone: 'timezone', tz: 'timezone',
  notes: 'notes', note: 'notes', description: 'notes',
};

const normaliseHeader = (h: string) =>
  h
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

const CUSTOM = /^custom_fields\.([a-z][a-z0-9_]{0,62})$/;

/** Checks the client's mapping before any row is read: an unknown target is a 400. */
export function validateMapping(mapping: Record<string, string> | undefined): Record<string, string> {
  const fields: Record<string, string[]> = {};
  for (const [header, target] of Object.entries(mapping ?? {})) {
    if (typeof target !== 'string' || header.length > 200 || (!(ImportTargets as readonly string[]).includes(target) && !CUSTOM.test(target))) {
      fields[`mapping.${header.slice(0, 50)}`] = [`must be one of ${ImportTargets.join(', ')} or custom_fields.<key>`];
    }
  }
  if (Object.keys(fields).length) throw new ValidationError('The column mapping is not valid.', { fields });
  return mapping ?? {};
}

/**
 * The target of each column of `header`: the client's mapping first, then the header's own name
 * (with common synonyms), then a custom field of the same key; anything else is ignored.
 */
export function resolveColumns(header: string[], mapping: Record<string, string>, customKeys: Set<string>): ColumnTarget[] {
  return header.map((raw) => {
    const explicit = mapping[raw] ?? mapping[raw.trim()];
    const name = explicit ?? normaliseHeader(raw);
    if (name === 'ignore') return { kind: 'ignore' };
    const custom = CUSTOM.exec(name);
    if (custom) return customKeys.has(custom[1]) ? { kind: 'custom', key: custom[1] } : { kind: 'ignore' };
    const field = explicit ? (name as Exclude<ImportTarget, 'ignore'>) : SYNONYMS[name];
    if (field) return { kind: 'field', field };
    if (customKeys.has(name)) return { kind: 'custom', key: name };
    return { kind: 'ignore' };
  });
}

/** A file whose columns give no name, email or phone cannot make a single contact. */
export const identifiesContacts = (columns: ColumnTarget[]) =>
  columns.some((c) => c.kind === 'field' && ['first_name', 'last_name', 'full_name', 'email', 'phone'].includes(c.field));
