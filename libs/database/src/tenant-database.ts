import type { DataSource, EntityManager } from 'typeorm';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Tx } from './tx';
import { withAfterCommit } from './after-commit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Escapes a value as a SQL literal, for reads whose text is built per call. */
export type Literal = (value: string | number | boolean | null) => string;

/**
 * Binds a value as the statement's next parameter and returns its placeholder (`$n`), for reads
 * whose text is built per call: values that come from outside (cursor positions) are bound, never
 * written into the text, and their casts are checked by PostgreSQL on the parameter.
 */
export type Bind = (value: string | number | boolean | null) => string;

/** A statement prepared once per connection (`name` must be unique per text). */
export interface PreparedRead {
  readonly name: string;
  readonly text: string;
}

export const assertTenantId = (tenantId: string): void => {
  if (!UUID.test(tenantId)) throw new TypeError('tenant id must be a UUID');
};

/**
 * Why a piece of work may see rows of more than one tenant. Each reason is a transaction-local
 * flag (`app.<reason> = on`) that specific row-level-security policies honour, for specific rows
 * only (the relay sees unpublished outbox rows, the purge worker contacts past the restore
 * window…); the runtime role reads nothing of another tenant without one. Adding a reason means
 * adding a policy in a migration that says exactly what it may see.
 */
export const CrossTenantReasons = [
  /** The outbox relay publishes and purges every tenant's outbox rows. */
  'outbox_relay',
  /** The purge worker erases contacts past the restore window, for every tenant. */
  'purge_worker',
  /** The import worker claims queued import jobs of any tenant. */
  'import_worker',
  /** Login and password reset find a tenant by its slug before any tenant is known. */
  'slug_lookup',
  /** The token signing keys belong to the platform, not to a tenant. */
  'signing_keys',
  /** Retention of the inbox and applied-versions bookkeeping, for every tenant. */
  'messaging_retention',
  /** Retention of the users' realtime streams (notification-service), for every tenant. */
  'stream_retention',
  /** An inbound text is matched to the tenants its receiving number (or its thread) belongs to, before any tenant is known. */
  'sms_routing',
  /** The webhook delivery worker claims due deliveries of every tenant (notification-service). */
  'webhook_delivery',
  /** A Gmail push names only a mailbox address, and the sync's poll looks for due mailboxes of every tenant (activity-service). */
  'mail_sync',
] as const;
export type CrossTenantReason = (typeof CrossTenantReasons)[number];

/**
 * Every database access of a service goes through here. Tenant work runs with the tenant bound in
 * `app.tenant_id`, so that row-level security filters every table: writes in a transaction that
 * binds it transaction-locally (a pooled connection never carries one tenant into another's
 * request), reads on a separate read-only pool whose connections are rebound per tenant. Work that
 * must span tenants says why, through {@link acrossTenants}; the data source itself stays private.
 */
export class TenantDatabase {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction bound to `tenantId` (then its {@link afterCommit} callbacks). */
  async transaction<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    assertTenantId(tenantId);
    return withAfterCommit<T, Tx>((register) =>
      this.dataSource.transaction(async (manager) => {
        const tx = register(sqlTx(manager));
        await tx.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
        return work(tx);
      }),
    );
  }

  /**
   * Runs `work` in one transaction with no tenant bound and the cross-tenant flag of `reason`
   * set: it sees only what the policies of that reason allow (and tables that hold no tenant's
   * rows). Grep for `acrossTenants(` to find every place that spans tenants.
   */
  async acrossTenants<T>(reason: CrossTenantReason, work: (tx: Tx) => Promise<T>): Promise<T> {
    if (!CrossTenantReasons.includes(reason)) throw new TypeError(`unknown cross-tenant reason: ${String(reason)}`);
    return withAfterCommit<T, Tx>((register) =>
      this.dataSource.transaction(async (manager) => {
        const tx = register(sqlTx(manager));
        await tx.query(`SELECT set_config($1, 'on', true)`, [`app.${reason}`]);
        return work(tx);
      }),
    );
  }

  /** One round trip to the database, for health checks. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
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
   * receives the driver's escaper and a binder for parameters, and returns one statement, run with
   * the tenant bound.
   */
  async readInTenant<Row>(tenantId: string, build: (literal: Literal, bind: Bind) => string): Promise<Row[]> {
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
      const values: unknown[] = [];
      const bind: Bind = (value) => {
        values.push(value);
        return `$${values.length}`;
      };
      const text = build(literal, bind);
      const result = values.length > 0 ? await client.query(text, values) : await client.query(text);
      return result.rows as Row[];
    });
  }

  /** Closes the read pool and then the data source. */
  async close(): Promise<void> {
    const pool = this.readPool;
    this.readPool = undefined;
    await pool?.end();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
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

/**
 * A {@link Tx} over TypeORM's transaction: every statement returns its rows, whatever it is
 * (TypeORM's own `query` returns `[rows, count]` for UPDATE and DELETE).
 */
function sqlTx(manager: EntityManager): Tx {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('a transaction needs a query runner');
  return {
    query: async (text, params = []) => (await runner.query(text, params as unknown[], true)).records,
  };
}
