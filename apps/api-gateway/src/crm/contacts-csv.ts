import { CONTACT_FIELDS, type ContactView } from '@engage/contracts';

/** Columns of `GET /v1/contacts/export`, in order. */
export const EXPORT_COLUMNS = [
  'id',
  ...CONTACT_FIELDS,
  'last_contacted_at',
  'created_at',
  'updated_at',
  'custom_fields',
] as const;

/**
 * A spreadsheet evaluates a cell starting with = + - @ (or a tab/CR) as a formula: exported text
 * is prefixed with a quote so a contact's name can never run code on the reader's machine.
 */
export const defuse = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

export function exportRow(c: ContactView): string[] {
  const text = (v: string | null | undefined) => defuse(v ?? '');
  return [
    c.id,
    text(c.first_name),
    text(c.last_name),
    text(c.emails.join('; ')),
    c.phones.map((p) => p.number).join('; '),
    c.company_id ?? '',
    text(c.title),
    c.owner_id ?? '',
    c.lifecycle_stage,
    String(c.lead_score),
    text(c.tags.join('; ')),
    text(c.source),
    c.timezone ?? '',
    c.last_contacted_at ?? '',
    c.created_at,
    c.updated_at,
    Object.keys(c.custom_fields).length ? text(JSON.stringify(c.custom_fields)) : '',
  ];
}
