/**
 * Stripe's v1 API takes form-encoded bodies (and query strings) with bracketed keys:
 * `line_items[0][price]=price_pro_seat&metadata[tenant_id]=t1`. The SDK writes them this way;
 * this reads them back into nested objects and arrays, the shape Stripe's own docs describe.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Splits `a[b][0]` into ['a', 'b', '0']; `expand[]` gives ['expand', ''] (append). */
function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first === -1) return [key];
  const parts = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(key.slice(first))) !== null) parts.push(match[1]);
  return parts;
}

function assign(target: FormObject, path: string[], value: string): void {
  let node: FormObject = target;
  for (let i = 0; i < path.length; i++) {
    const part = path[i] === '' ? String(Object.keys(node).length) : path[i];
    if (FORBIDDEN_KEYS.has(part)) return;
    if (i === path.length - 1) {
      node[part] = value;
      return;
    }
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as FormObject;
  }
}

/** Objects whose keys are all 0..n-1 become arrays, recursively. */
function arrayify(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: FormObject = {};
  for (const key of keys) converted[key] = arrayify(value[key]);
  const isList = keys.length > 0 && keys.every((k) => /^\d+$/.test(k)) && keys.map(Number).sort((a, b) => a - b).every((n, i) => n === i);
  return isList ? keys.map((_, i) => converted[String(i)]) : converted;
}

export function parseStripeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) assign(root, splitKey(key), value);
  return arrayify(root) as FormObject;
}

/** Helpers that read typed values out of a parsed form, with Stripe's parameter errors. */
export class FormReader {
  constructor(private readonly form: FormObject) {}

  get raw(): FormObject {
    return this.form;
  }

  string(name: string): string | undefined {
    const value = this.form[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new FormError(name, `Invalid string: ${name}`);
    return value;
  }

  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d+$/.test(value)) throw new FormError(name, `Invalid integer: ${value}`);
    return Number(value);
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined || value === '') return undefined;
    if (value !== 'true' && value !== 'false') throw new FormError(name, `Invalid boolean: ${value}`);
    return value === 'true';
  }

  object(name: string): FormObject | undefined {
    const value = this.form[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw new FormError(name, `Invalid object: ${name}`);
    return value;
  }

  list(name: string): FormValue[] | undefined {
    const value = this.form[name];
    if (value === undefined || value === '') return undefined;
    if (!Array.isArray(value)) throw new FormError(name, `Invalid array: ${name}`);
    return value;
  }

  /** Stripe metadata: string values only; an empty value deletes the key on update. */
  metadata(): Record<string, string> | undefined {
    const value = this.object('metadata');
    if (value === undefined) return this.form.metadata === '' ? {} : undefined;
    const result: Record<string, string> = {};
    for (const [key, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw new FormError(`metadata[${key}]`, `Invalid metadata value for ${key}`);
      result[key] = v;
    }
    return result;
  }
}

/** A bad parameter: the server turns it into Stripe's 400 `parameter_invalid_*` error. */
export class FormError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}
