import type { TenantDatabase } from '@engage/database';

/**
 * Consumers remember every event they applied (inbox) and the last version of every aggregate
 * (applied_versions), so that a redelivered or older event changes nothing. JetStream keeps
 * events for the stream's retention; once an event can no longer be delivered, its inbox row
 * and an aggregate's version row untouched since then protect against nothing. This deletes them,
 * for every tenant, in bounded batches (so a backlog never holds a long transaction).
 */
export async function purgeConsumerBookkeeping(
  db: TenantDatabase,
  schema: string,
  retentionDays: number,
  batchSize = 5000,
): Promise<{ inbox: number; appliedVersions: number }> {
  const purge = async (table: string, column: string, key: string): Promise<number> => {
    let total = 0;
    for (;;) {
      const deleted = await db.acrossTenants('messaging_retention', (tx) =>
        tx.query<{ n: number }>(
          `WITH expired AS (SELECT ${key} FROM ${schema}.${table}
              WHERE ${column} < now() - make_interval(days => $1) LIMIT $2)
           DELETE FROM ${schema}.${table} t USING expired e WHERE ${key
             .split(', ')
             .map((k) => `t.${k} = e.${k}`)
             .join(' AND ')} RETURNING 1 AS n`,
          [retentionDays, batchSize],
        ),
      );
      total += deleted.length;
      if (deleted.length < batchSize) return total;
    }
  };
  return {
    inbox: await purge('inbox', 'processed_at', 'tenant_id, consumer, event_id'),
    appliedVersions: await purge('applied_versions', 'applied_at', 'tenant_id, consumer, aggregate_type, aggregate_id'),
  };
}
