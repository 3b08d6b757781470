import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ServiceSchemas } from '@engage/contracts';
import { testEnv } from '@engage/testing';
import { createDataSource } from './data-source';
import { type PreparedRead, TenantDatabase } from './tenant-database';

/**
 * Row-level security is the second lock behind every repository's tenant filter. These tests
 * speak as the runtime role services use and prove the lock holds even for a query that forgets
 * its WHERE clause. They use the identity schema's api_keys table (no foreign keys to satisfy).
 */
const urls = () => testEnv.databaseUrls('identity');

async function asRuntimeRole<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: urls().app });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const insertKey = (c: Client, tenantId: string) =>
  c.query(
    `INSERT INTO identity.api_keys (tenant_id, id, name, prefix, key_hash, role, created_by) VALUES ($1, $2, 'k', 'ek_', $3, 'rep', $4)`,
    [tenantId, randomUUID(), randomUUID(), randomUUID()],
  );

describe('row-level security (runtime role)', () => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  beforeAll(async () => {
    await asRuntimeRole(async (c) => {
      for (const tenant of [tenantA, tenantA, tenantB]) {
        await c.query('BEGIN');
        await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
        await insertKey(c, tenant);
        await c.query('COMMIT');
      }
    });
  });

  it('shows no rows at all when no tenant is bound, even without a WHERE clause', async () => {
    const { rows } = await asRuntimeRole((c) => c.query('SELECT tenant_id FROM identity.api_keys'));
    expect(rows).toEqual([]);
  });

  it('shows only the bound tenant’s rows to a query without a WHERE clause', async () => {
    const rows = await asRuntimeRole(async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantB]);
      const result = await c.query('SELECT tenant_id FROM identity.api_keys');
      await c.query('COMMIT');
      return result.rows;
    });
    expect(rows).toEqual([{ tenant_id: tenantB }]);
  });

  it('shows nothing for a tenant that has no rows', async () => {
    const rows = await asRuntimeRole(async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [randomUUID()]);
      const result = await c.query('SELECT * FROM identity.api_keys');
      await c.query('COMMIT');
      return result.rows;
    });
    expect(rows).toHaveLength(0);
  });

  it('refuses to write a row for another tenant than the bound one', async () => {
    await asRuntimeRole(async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantB]);
      await expect(insertKey(c, tenantA)).rejects.toThrow(/row-level security/);
      await c.query('ROLLBACK');
    });
  });

  it('forgets the tenant when the transaction ends, so a pooled connection carries nothing over', async () => {
    const rows = await asRuntimeRole(async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantA]);
      await c.query('COMMIT');
      return (await c.query('SELECT * FROM identity.api_keys')).rows;
    });
    expect(rows).toHaveLength(0);
  });

  it('cannot switch the lock off: the runtime role owns nothing and cannot bypass RLS', async () => {
    await asRuntimeRole(async (c) => {
      await expect(c.query('ALTER TABLE identity.api_keys DISABLE ROW LEVEL SECURITY')).rejects.toThrow(/must be owner/);
      await expect(c.query('SET row_security = off; SELECT * FROM identity.api_keys')).rejects.toThrow(/row-level security/);
      const { rows } = await c.query(`SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user`);
      expect(rows[0]).toEqual({ rolbypassrls: false, rolsuper: false });
      await expect(c.query('CREATE TABLE identity.sneaky (id int)')).rejects.toThrow(/permission denied/);
      await expect(c.query('SELECT * FROM crm.outbox')).rejects.toThrow(/permission denied/);
    });
  });

  it('filters every tenant table of every service (ENABLE + FORCE)', async () => {
    const { rows } = await asRuntimeRole((c) =>
      c.query(`
        SELECT n.nspname || '.' || c.relname AS table_name, c.relrowsecurity, c.relforcerowsecurity
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
         WHERE c.relkind = 'r' AND n.nspname = ANY($1::text[])`, [Object.values(ServiceSchemas)]),
    );
    expect(rows.length).toBeGreaterThan(10);
    // Global registries carry a tenant id but belong to no tenant; the runtime role may only read and add to them.
    const GLOBAL = ['identity.tenant_slugs'];
    const unprotected = rows
      .filter((r) => !GLOBAL.includes(r.table_name) && (!r.relrowsecurity || !r.relforcerowsecurity))
      .map((r) => r.table_name);
    expect(unprotected).toEqual([]);
  });
});

describe('TenantDatabase', () => {
  const tenant = randomUUID();
  const dataSource = createDataSource({ url: testEnv.databaseUrls('identity').app, schema: 'identity', entities: [], applicationName: 'rls-test' });
  const db = new TenantDatabase(dataSource);

  beforeAll(() => dataSource.initialize());
  afterAll(() => db.close());

  it('binds the tenant for a transaction and the one-round-trip read alike', async () => {
    await db.transaction(tenant, (tx) =>
      tx.query(`INSERT INTO identity.api_keys (tenant_id, id, name, prefix, key_hash, role, created_by) VALUES ($1, $2, 'k', 'ek_', $3, 'rep', $2)`, [
        tenant,
        randomUUID(),
        randomUUID(),
      ]),
    );
    const rows = await db.readInTenant<{ tenant_id: string }>(tenant, () => 'SELECT tenant_id FROM identity.api_keys');
    expect(rows).toEqual([{ tenant_id: tenant }]);
    const other = await db.readInTenant(randomUUID(), () => 'SELECT tenant_id FROM identity.api_keys');
    expect(other).toEqual([]);
  });

  it('escapes values in the one-round-trip read, and the connection survives a failed statement', async () => {
    const hostile = `x'); DELETE FROM identity.api_keys; --`;
    const rows = await db.readInTenant(tenant, (lit) => `SELECT name FROM identity.api_keys WHERE name = ${lit(hostile)}`);
    expect(rows).toEqual([]);
    await expect(db.readInTenant(tenant, () => 'SELECT no_such_column FROM identity.api_keys')).rejects.toThrow();
    const after = await db.readInTenant(tenant, () => 'SELECT count(*)::int AS n FROM identity.api_keys');
    expect(after).toEqual([{ n: 1 }]);
  });

  it('rebinds a read connection for each tenant, so reads never see the previous tenant', async () => {
    // One connection serves both tenants in turn: the binding must follow the caller every time.
    const single = createDataSource({
      url: testEnv.databaseUrls('identity').app,
      schema: 'identity',
      entities: [],
      applicationName: 'rls-test-single',
      poolSize: 1,
    });
    const reads = new TenantDatabase(single);
    const other = randomUUID();
    const byTenant: PreparedRead = { name: 'test_api_key_tenants', text: 'SELECT tenant_id FROM identity.api_keys' };
    try {
      for (let round = 0; round < 3; round++) {
        expect(await reads.read(tenant, byTenant, [])).toEqual([{ tenant_id: tenant }]);
        expect(await reads.read(other, byTenant, [])).toEqual([]);
        expect(await reads.readInTenant(tenant, () => byTenant.text)).toEqual([{ tenant_id: tenant }]);
      }
    } finally {
      await reads.close();
    }
  });

  it('runs reads on read-only connections', async () => {
    await expect(
      db.readInTenant(tenant, (lit) => `DELETE FROM identity.api_keys WHERE tenant_id = ${lit(tenant)} RETURNING id`),
    ).rejects.toThrow(/read-only/);
    expect(await db.readInTenant(tenant, () => 'SELECT count(*)::int AS n FROM identity.api_keys')).toEqual([{ n: 1 }]);
  });

  it('returns the rows of every statement in a transaction, UPDATE … RETURNING included', async () => {
    const renamed = await db.transaction(tenant, (tx) => tx.query<{ name: string }>(`UPDATE identity.api_keys SET name = 'renamed' RETURNING name`));
    expect(renamed).toEqual([{ name: 'renamed' }]);
  });

  it('spans tenants only for a named reason, and each reason sees only what its policies allow', async () => {
    const eventId = randomUUID();
    await db.transaction(tenant, (tx) =>
      // Published already: the running relay of an end-to-end stack on this database must not pick it up.
      tx.query(`INSERT INTO identity.outbox (id, tenant_id, subject, envelope, published_at) VALUES ($1, $2, 'evt.user.test', $3::jsonb, now())`, [
        eventId,
        tenant,
        JSON.stringify({ id: eventId, type: 'evt.user.test', tenant_id: tenant, version: 0, payload: {} }),
      ]),
    );
    // The relay's reason shows it every tenant's outbox rows, and nothing of the tenant tables.
    const relayed = await db.acrossTenants('outbox_relay', (tx) => tx.query<{ id: string }>(`SELECT id FROM identity.outbox WHERE id = $1`, [eventId]));
    expect(relayed).toEqual([{ id: eventId }]);
    expect(await db.acrossTenants('outbox_relay', (tx) => tx.query(`SELECT id FROM identity.api_keys`))).toEqual([]);
    // Another reason does not open the outbox, nor any tenant's rows.
    expect(await db.acrossTenants('slug_lookup', (tx) => tx.query(`SELECT id FROM identity.outbox WHERE id = $1`, [eventId]))).toEqual([]);
    expect(await db.acrossTenants('slug_lookup', (tx) => tx.query(`SELECT id FROM identity.api_keys`))).toEqual([]);
    // Setting a flag by hand inside a tenant transaction is not a way around it: the policies that
    // honour a reason only ever widen to their own rows, and the tenant binding still holds.
    const sneaky = await db.transaction(randomUUID(), async (tx) => {
      await tx.query(`SELECT set_config('app.tenant_id', '', true)`);
      return tx.query(`SELECT id FROM identity.api_keys`);
    });
    expect(sneaky).toEqual([]);
    await expect(db.acrossTenants('anything' as never, async () => undefined)).rejects.toThrow('unknown cross-tenant reason');
    await db.acrossTenants('outbox_relay', (tx) => tx.query(`DELETE FROM identity.outbox WHERE id = $1`, [eventId]));
  });

  it('refuses a tenant id that is not a UUID', async () => {
    await expect(db.transaction('not-a-uuid', async () => undefined)).rejects.toThrow('UUID');
    await expect(db.read('not-a-uuid', { name: 'x', text: 'SELECT 1' }, [])).rejects.toThrow('UUID');
  });
});
