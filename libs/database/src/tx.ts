/**
 * What code inside a tenant transaction may do: run SQL and get rows back. Repositories,
 * the outbox and event handlers take a `Tx`, never a data source or an ORM manager, so nothing
 * inside a transaction can open another connection that escapes the tenant binding.
 */
export interface Tx {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed by the caller
  query<Row = any>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}
