import type { DataSource, EntityManager } from 'typeorm';
import type { PoolClient, QueryResult } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Escapes a value as a SQL literal, for the single-round-trip read path. */
export type Literal = (value: string | number | boolean | null) => string;

export const assertTenantId = (tenantId: string): void => {
  if (!UUID.test(tenantId)) throw new TypeError('tenant id must be a UUID');
};

/**
 * Every tenant-scoped database access goes through here: it opens a transaction and binds the
 * tenant with `set_config('app.tenant_id', $1, true)` (transaction-local, so a pooled connection
 * never carries one tenant into another's request). Row-level security then filters every table.
 */
export class TenantDatabase {
  constructor(readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction bound to `tenantId`. */
  async transaction<T>(tenantId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    assertTenantId(tenantId);
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return work(tx);
    });
  }

  /**
   * A read in one network round trip: `BEGIN; set_config; <statement>; COMMIT` as one
   * simple-query string, values escaped by the driver. Hot read paths use this (SPEC section 3:
   * the round trips, not RLS, are the cost). `build` receives the escaper and returns one statement.
   */
  async readInTenant<Row>(tenantId: string, build: (literal: Literal) => string): Promise<Row[]> {
    assertTenantId(tenantId);
    const driver = this.dataSource.driver as PostgresDriver;
    const [client, release] = (await driver.obtainMasterConnection()) as [PoolClient, (err?: unknown) => void];
    const literal: Literal = (value) => {
      if (value === null) return 'NULL';
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw new TypeError('non-finite number in SQL literal');
        return String(value);
      }
      if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
      return client.escapeLiteral(value);
    };
    let sql: string;
    try {
      sql = `BEGIN READ ONLY; SELECT set_config('app.tenant_id', ${literal(tenantId)}, true); ${build(literal)}; COMMIT`;
    } catch (error) {
      release();
      throw error;
    }
    try {
      const results = (await client.query(sql)) as unknown as QueryResult[];
      release();
      return results[2].rows as Row[];
    } catch (error) {
      // The explicit BEGIN left the session inside a failed transaction: end it before reuse,
      // or throw the connection away if even that fails.
      try {
        await client.query('ROLLBACK');
        release();
      } catch (rollbackError) {
        release(rollbackError);
      }
      throw error;
    }
  }
}
