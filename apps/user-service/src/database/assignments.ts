/** How a field of a row is written: its column, and the cast its parameter needs. */
export interface ColumnWrite {
  column: string;
  /** `jsonb` values are sent as JSON text; `text[]` as arrays (the driver writes the literal). */
  cast?: 'jsonb' | 'text[]';
}

export type WritableColumns<Row> = { readonly [K in keyof Row]?: ColumnWrite };

/**
 * The columns `fields` names and their placeholders (`$n`, cast where needed), in the order of
 * `fields`; the values are appended to `params`. A field left undefined is not written. Only the
 * fields of `columns` can be written: naming another one is a programming error.
 */
export function columnValues<Row>(fields: Partial<Row>, columns: WritableColumns<Row>, params: unknown[]): Array<{ column: string; value: string }> {
  const written: Array<{ column: string; value: string }> = [];
  for (const [field, value] of Object.entries(fields) as Array<[keyof Row & string, unknown]>) {
    if (value === undefined) continue;
    const write = columns[field];
    if (!write) throw new TypeError(`${field} cannot be written`);
    params.push(write.cast === 'jsonb' ? JSON.stringify(value) : value);
    written.push({ column: write.column, value: `$${params.length}${write.cast ? `::${write.cast}` : ''}` });
  }
  return written;
}

/** The `column = $n` list of an UPDATE from the fields `changes` names (see {@link columnValues}). */
export function assignments<Row>(changes: Partial<Row>, columns: WritableColumns<Row>, params: unknown[]): string[] {
  return columnValues(changes, columns, params).map((w) => `${w.column} = ${w.value}`);
}
