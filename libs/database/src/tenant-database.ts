import type { DataSource, EntityManager } from 'typeorm';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Escapes a value as a SQL literal, for reads whose text is built per call. */
export type Literal = (value: string | number | boolean | null) => string;

/** A statement prepared once per connection (`name` must be unique per text). */
export interface PreparedRead {
  readonly name: string;
  readonly text: string;
}

export const assertTenantId = (tenantId: string): void => {
  if (!UUID.test(tenantId)) throw new TypeError('tenant id must be a UUID');
};

/**
 * Every tenant-scoped database access goes through here, with the tenant bound in
 * `app.tenant_id` so that row-level security filters every table. Writes run in a transaction
 * that binds it transaction-locally (a pooled connection never carries one tenant into another's
 * request); reads run on a separate read-only pool whose connections are rebound per tenant.
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
   * Reads go through a pool of their own whose connections stay bound to the tenant of their
   * last read (a session-level `app.tenant_id`, rebound before any read for another tenant) and
   * are read-only at the session level. A read for the same tenant is one statement in one round
   * trip, and a prepared one is planned once per connection: planning, not RLS, is most of the
   * cost of a short read. No other code runs on these connections, so the binding is always the
   * one this class last set.
   */
  private readPool?: Pool;
  private readonly boundTenant = new WeakMap<PoolClient, string>();

  /** A prepared read: `text` with `$n` parameters, prepared once per connection under `name`. */
  async read<Row>(tenantId: string, statement: PreparedRead, values: readonly unknown[]): Promise<Row[]> {
    return this.onBoundConnection(tenantId, async (client) => {
      const result = await client.query({ name: statement.name, text: statement.text, values: values as unknown[] });
      return result.rows as Row[];
    });
  }

  /**
   * A read whose text is built per call (lists and searches with optional filters): `build`
   * receives the driver's escaper and returns one statement, run with the tenant bound.
   */
  async readInTenant<Row>(tenantId: string, build: (literal: Literal) => string): Promise<Row[]> {
    return this.onBoundConnection(tenantId, async (client) => {
      const literal: Literal = (value) => {
        if (value === null) return 'NULL';
        if (typeof value === 'number') {
          if (!Number.isFinite(value)) throw new TypeError('non-finite number in SQL literal');
          return String(value);
        }
        if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
        return client.escapeLiteral(value);
      };
      const result = await client.query(build(literal));
      return result.rows as Row[];
    });
  }

  /** Closes the read pool (the data source is closed by its owner). */
  async close(): Promise<void> {
    const pool = this.readPool;
    this.readPool = undefined;
    await pool?.end();
  }

  private async onBoundConnection<T>(tenantId: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    assertTenantId(tenantId);
    const client = await this.pool().connect();
    if (this.boundTenant.get(client) !== tenantId) {
      try {
        this.boundTenant.delete(client);
        await client.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenantId]);
        this.boundTenant.set(client, tenantId);
      } catch (error) {
        // The binding is unknown: this connection must never serve another read.
        client.release(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    }
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      // A failed statement leaves no transaction open (each read is its own), so the connection
      // and its binding stay good.
      client.release();
      throw error;
    }
  }

  private pool(): Pool {
    if (this.readPool) return this.readPool;
    const driver = this.dataSource.driver as PostgresDriver;
    const options = this.dataSource.options as { url?: string; extra?: Record<string, unknown> };
    const extra = options.extra ?? {};
    const PgPool = (driver.postgres as { Pool: new (config: PoolConfig) => Pool }).Pool;
    this.readPool = new PgPool({
      ...(extra as PoolConfig),
      connectionString: options.url,
      max: Number(extra.max ?? 10),
      application_name: `${String(extra.application_name ?? 'engage')}-reads`,
      // Prepared reads keep one generic plan per connection: they are written as fixed-shape
      // lookups whose best plan does not depend on the values, and a search statement costs more
      // to plan than to run (PostgreSQL would otherwise plan the first five runs afresh and keep
      // planning whenever it estimates a custom plan cheaper).
      options: `${String(extra.options ?? '')} -c default_transaction_read_only=on -c plan_cache_mode=force_generic_plan`.trim(),
      allowExitOnIdle: true,
    });
    // An idle connection that breaks is dropped by the pool; without a listener it would crash.
    this.readPool.on('error', () => undefined);
    return this.readPool;
  }
}
