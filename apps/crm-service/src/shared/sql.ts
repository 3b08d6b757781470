import type { EntityManager } from 'typeorm';

/** The transaction a repository method works in (opened by TenantDatabase.transaction). */
export type Tx = EntityManager;

/** A timestamp column as ISO-8601 UTC with microseconds: exact, so it can key a cursor. */
export const isoTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Escapes LIKE wildcards so user text matches literally. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** PostgreSQL error codes the repositories translate into domain errors. */
export const PgError = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
} as const;

export const pgCode = (error: unknown): string | undefined => {
  const e = error as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code;
};

/**
 * Runs one statement in the transaction and returns its rows, whatever the statement
 * (TypeORM's `query` returns `[rows, count]` for UPDATE and DELETE).
 */
export async function sql<Row>(tx: Tx, text: string, params: unknown[] = []): Promise<Row[]> {
  if (!tx.queryRunner) throw new Error('sql() needs a transaction');
  const result = await tx.queryRunner.query(text, params, true);
  return result.records as Row[];
}
