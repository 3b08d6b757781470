import type { PreparedRead } from './tenant-database';

/** A prepared read written with `:name` parameters, and the function that orders its values. */
export interface NamedRead<K extends string = string> {
  readonly statement: PreparedRead;
  /** The statement's values in `$n` order; every name the text uses must be given. */
  values(params: Readonly<Record<K, unknown>>): unknown[];
}

/** `:name` outside of `::type` casts; upper-case names are left alone (they occur in to_char formats). */
const PARAMETER = /(?<![:\w]):([a-z][a-z0-9_]*)/g;

/**
 * Turns a statement written with `:name` parameters into a prepared read numbered for the driver
 * (`$1`, `$2`…, the same number for each use of a name). Long statements built from parts read
 * far better with names than with positions, and the text stays fixed, so PostgreSQL parses and
 * plans it once per connection.
 */
export function namedRead<K extends string = string>(name: string, text: string): NamedRead<K> {
  const names: string[] = [];
  const numbered = text.replace(PARAMETER, (_, key: string) => {
    if (!names.includes(key)) names.push(key);
    return `$${names.indexOf(key) + 1}`;
  });
  return {
    statement: { name, text: numbered },
    values: (params) =>
      names.map((key) => {
        if (!(key in params)) throw new Error(`statement ${name} has no value for :${key}`);
        return (params as Record<string, unknown>)[key];
      }),
  };
}
