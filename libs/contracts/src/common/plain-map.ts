import { Transform } from 'class-transformer';
import { IsObject, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Keys that name JavaScript's object machinery rather than data. A map keyed by user input
 * (custom field values, tenant settings) must never hold one: `constructor` crashes
 * class-transformer (a 500), and `__proto__` or `prototype` could reach an object's prototype.
 * Compared exactly (JavaScript's names are case-sensitive).
 */
export const RESERVED_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
];

const reserved = new Set(RESERVED_KEYS);

export const isReservedKey = (key: string): boolean => reserved.has(key);

/**
 * The path of the first reserved key anywhere in `value` (objects and arrays, any depth), or null.
 * Iterative, so a deeply nested body cannot exhaust the stack here.
 */
export function findReservedKey(value: unknown): string | null {
  const stack: Array<{ node: unknown; path: string }> = [{ node: value, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    for (const key of Object.keys(node)) {
      const at = path ? `${path}.${key}` : key;
      if (reserved.has(key)) return at;
      stack.push({ node: (node as Record<string, unknown>)[key], path: at });
    }
  }
  return null;
}

/**
 * A copy of JSON data whose objects have no prototype: a key can only ever be data. Arrays stay
 * arrays; anything that is not an object or array is returned as is.
 */
export function toPlainData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlainData);
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) copy[key] = toPlainData((value as Record<string, unknown>)[key]);
  return copy;
}

/**
 * A DTO property holding a map keyed by user input (custom field values, settings): an object
 * whose keys are not reserved, kept as null-prototype data taken from the request as sent
 * (class-transformer's conversion of the map is replaced, not used).
 */
export function PlainDataMap(options?: ValidationOptions): PropertyDecorator {
  const notReserved = ValidateBy(
    {
      name: 'plainDataMap',
      validator: {
        validate: (value: unknown) => findReservedKey(value) === null,
        defaultMessage: () => `may not use the reserved keys ${RESERVED_KEYS.slice(0, 3).join(', ')} and the like`,
      },
    },
    options,
  );
  const fromRequest = Transform(({ obj, key }) => toPlainData((obj as Record<string, unknown>)[key]), { toClassOnly: true });
  return (target, property) => {
    IsObject(options)(target, property);
    notReserved(target, property);
    fromRequest(target, property);
  };
}
