import { isEmail } from 'class-validator';
import { type LifecycleStage, LifecycleStages, NAME_MAX, FREE_TEXT_MAX, type CustomFieldValues, type PhoneView } from '@engage/contracts';
import { type FieldDefinition, valueProblem } from '../custom-fields/custom-field-values';
import { derivedTimezone } from '../contacts/contact-input';
import { normalisePhone } from '../contacts/phone-numbers';
import type { ColumnTarget } from './import-mapping';

/** A row turned into contact fields, before duplicates are looked for. */
export interface ImportedContact {
  row: number;
  first_name: string | null;
  last_name: string | null;
  emails: string[];
  phones: PhoneView[];
  /** National digits of each phone, for the search document. */
  phoneDigits: string[];
  company: string | null;
  title: string | null;
  lifecycle_stage: LifecycleStage | null;
  lead_score: number | null;
  tags: string[];
  source: string | null;
  timezone: string | null;
  notes: string | null;
  custom_fields: CustomFieldValues;
  /** Search columns, computed ahead of the write when the row will create a contact. */
  derived?: { name_sort: string; first_key: string; last_key: string; vocabulary: Array<[string, string]>; channels: string[] };
}

export interface RowProblem {
  row: number;
  field: string | null;
  reason: string;
}

const LIST_SPLIT = /\s*[;,|]\s*/;
const VALID_ZONES = new Set<string>(Intl.supportedValuesOf('timeZone'));

const text = (value: string, max: number, field: string): string | RowProblem => {
  if (value.includes('\u0000')) return { row: 0, field, reason: `${field} contains a NUL character` };
  if (value.length > max) return { row: 0, field, reason: `${field} is longer than ${max} characters` };
  return value;
};

function customValue(def: FieldDefinition, raw: string): unknown {
  switch (def.type) {
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      return ['true', 'yes', 'y', '1'].includes(v) ? true : ['false', 'no', 'n', '0'].includes(v) ? false : raw;
    }
    case 'multi_select':
      return [...new Set(raw.split(LIST_SPLIT).filter(Boolean))];
    default:
      return raw;
  }
}

/**
 * One CSV record → contact fields, or the first problem found (a row error, never an exception):
 * a bad row is reported and skipped, the import goes on.
 */
export function parseImportRow(
  row: number,
  cells: string[],
  columns: ColumnTarget[],
  customDefs: Map<string, FieldDefinition>,
  defaultCountry: string | null,
): ImportedContact | RowProblem {
  const c: ImportedContact = {
    row,
    first_name: null,
    last_name: null,
    emails: [],
    phones: [],
    phoneDigits: [],
    company: null,
    title: null,
    lifecycle_stage: null,
    lead_score: null,
    tags: [],
    source: null,
    timezone: null,
    notes: null,
    custom_fields: {},
  };
  const fail = (field: string | null, reason: string): RowProblem => ({ row, field, reason });
  for (let i = 0; i < columns.length; i++) {
    const target = columns[i];
    const value = (cells[i] ?? '').trim();
    if (target.kind === 'ignore' || value === '') continue;
    if (target.kind === 'custom') {
      const def = customDefs.get(target.key)!;
      const typed = customValue(def, value);
      const problem = valueProblem(def, typed);
      if (problem) return fail(`custom_fields.${target.key}`, `custom_fields.${target.key} ${problem}`);
      c.custom_fields[target.key] = typed as CustomFieldValues[string];
      continue;
    }
    const field = target.field;
    const limited = text(value, field === 'notes' ? FREE_TEXT_MAX : NAME_MAX * 2, field);
    if (typeof limited !== 'string') return { ...limited, row };
    switch (field) {
      case 'first_name':
      case 'last_name':
      case 'title':
      case 'source':
      case 'company':
        if (value.length > NAME_MAX) return fail(field, `${field} is longer than ${NAME_MAX} characters`);
        c[field] = value;
        break;
      case 'full_name': {
        if (value.length > NAME_MAX * 2) return fail(field, `full_name is longer than ${NAME_MAX * 2} characters`);
        const parts = value.split(/\s+/);
        c.first_name ??= parts.length > 1 ? parts.slice(0, -1).join(' ') : parts[0];
        c.last_name ??= parts.length > 1 ? parts[parts.length - 1] : null;
        break;
      }
      case 'email':
        for (const email of value.split(LIST_SPLIT).filter(Boolean)) {
          if (email.length > 320 || !isEmail(email)) return fail('email', `email ${JSON.stringify(email.slice(0, 80))} is not a valid address`);
          const normal = email.toLowerCase();
          if (!c.emails.includes(normal)) c.emails.push(normal);
        }
        break;
      case 'phone':
        for (const number of value.split(/\s*[;|]\s*/).filter(Boolean)) {
          const parsed = normalisePhone(number, defaultCountry);
          if (!parsed) return fail('phone', `phone ${JSON.stringify(number.slice(0, 40))} is not a valid phone number`);
          if (c.phones.some((p) => p.number === parsed.number)) continue;
          c.phones.push({ number: parsed.number, label: null, is_primary: c.phones.length === 0, country: parsed.country });
          c.phoneDigits.push(parsed.nationalDigits);
        }
        break;
      case 'lifecycle_stage': {
        const stage = value.toLowerCase();
        if (!(LifecycleStages as readonly string[]).includes(stage)) return fail(field, `lifecycle_stage must be one of ${LifecycleStages.join(', ')}`);
        c.lifecycle_stage = stage as LifecycleStage;
        break;
      }
      case 'lead_score': {
        const score = Number(value);
        if (!Number.isInteger(score) || score < 0 || score > 1000) return fail(field, 'lead_score must be a whole number from 0 to 1000');
        c.lead_score = score;
        break;
      }
      case 'tags':
        c.tags = [...new Set(value.split(LIST_SPLIT).filter(Boolean).map((t) => t.slice(0, 100)))].slice(0, 50);
        break;
      case 'timezone':
        if (!VALID_ZONES.has(value)) return fail(field, 'timezone must be an IANA time zone like Europe/Paris');
        c.timezone = value;
        break;
      case 'notes':
        c.notes = value;
        break;
    }
  }
  for (const def of customDefs.values()) {
    if (def.required && c.custom_fields[def.key] === undefined) return fail(`custom_fields.${def.key}`, `custom_fields.${def.key} is required`);
  }
  if (!c.first_name && !c.last_name && c.emails.length === 0 && c.phones.length === 0) return fail(null, 'the row has no name, email or phone');
  c.timezone ??= derivedTimezone(c.phones);
  return c;
}

export const isProblem = (r: ImportedContact | RowProblem): r is RowProblem => 'reason' in r;
