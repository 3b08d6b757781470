import type { CustomFieldObject, CustomFieldType, CustomFieldValue, CustomFieldValues } from '@engage/contracts';
import { FREE_TEXT_MAX, isReservedKey } from '@engage/contracts';
import { ValidationError } from '@engage/errors';

export interface FieldDefinition {
  key: string;
  type: CustomFieldType;
  options: string[];
  required: boolean;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (s: string) => DATE_ONLY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const cleanText = (s: string) => s.length <= FREE_TEXT_MAX && !s.includes('\u0000');

/** Why `value` does not fit `def`, or null when it does. */
export function valueProblem(def: FieldDefinition, value: unknown): string | null {
  if (value === null) return null;
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && cleanText(value) ? null : `must be text of at most ${FREE_TEXT_MAX} characters`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'date':
      return typeof value === 'string' && validDate(value) ? null : 'must be a date YYYY-MM-DD';
    case 'single_select':
      return typeof value === 'string' && def.options.includes(value) ? null : `must be one of: ${def.options.join(', ')}`;
    case 'multi_select':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && def.options.includes(v)) && new Set(value).size === value.length
        ? null
        : `must be a list of distinct values among: ${def.options.join(', ')}`;
  }
}

/**
 * Checks custom field values against the tenant's definitions for one object type. `existing` is
 * the record's current values on update (required fields may be left out then).
 */
export function validateCustomFields(
  object: CustomFieldObject,
  definitions: FieldDefinition[],
  values: CustomFieldValues | undefined,
  existing: CustomFieldValues | null,
): CustomFieldValues {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const fields: Record<string, string[]> = {};
  // Null-prototype data: a key is only ever a value's name.
  const result: CustomFieldValues = Object.assign(Object.create(null) as CustomFieldValues, existing ?? {});
  for (const [key, value] of Object.entries(values ?? {})) {
    const def = isReservedKey(key) ? undefined : byKey.get(key);
    if (!def) {
      fields[`custom_fields.${key}`] = [`is not a custom field of ${object}s`];
      continue;
    }
    const problem = valueProblem(def, value);
    if (problem) fields[`custom_fields.${key}`] = [problem];
    else if (value === null) delete result[key];
    else result[key] = value as CustomFieldValue;
  }
  for (const def of definitions) {
    if (def.required && (result[def.key] === undefined || result[def.key] === null)) fields[`custom_fields.${def.key}`] = ['is required'];
  }
  if (Object.keys(fields).length > 0) throw new ValidationError('Some custom field values are not valid.', { fields });
  return result;
}

/** A `key:value` list filter as a JSON containment document for the definition's type. */
export function customFieldFilter(def: FieldDefinition, raw: string): Record<string, unknown> {
  const problem = (message: string) => new ValidationError('The request is not valid.', { fields: { custom_field: [message] } });
  switch (def.type) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw problem(`${def.key} must be a number`);
      return { [def.key]: n };
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw problem(`${def.key} must be true or false`);
      return { [def.key]: raw === 'true' };
    case 'multi_select':
      return { [def.key]: [raw] };
    default:
      return { [def.key]: raw };
  }
}
