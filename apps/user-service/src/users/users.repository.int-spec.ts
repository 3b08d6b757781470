// The repositories of user-service write SQL through Tx (issue 14); these are the behaviours the
// TypeORM repositories had that no end-to-end test pins down: what a write does to the row's
// version, the list's keyset at millisecond precision, and the types the rows come back with.
import { randomUUID } from 'node:crypto';
import type { TenantDatabase } from '@engage/database';
import { openServiceDatabase } from '@engage/testing/kit';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { userServiceDefinition } from '../database/definition';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from './users.repository';

describe('user-service repositories', () => {
  let db: TenantDatabase;
  const tenants = new TenantsRepository();
  const users = new UsersRepository();
  const keys = new ApiKeysRepository();

  beforeAll(async () => {
    db = await openServiceDatabase(userServiceDefinition);
  });
  afterAll(() => db.close());

  async function newTenant(): Promise<string> {
    const tenantId = randomUUID();
    await db.transaction(tenantId, (tx) =>
      tenants.insert(tx, { id: tenantId, name: 'Acme', slug: `acme-${tenantId.slice(0, 8)}`, plan: 'pro', enabledModules: ['crm'], settings: {} }),
    );
    return tenantId;
  }

  const newUser = (tenantId: string, role: 'admin' | 'rep' = 'rep') => {
    const id = randomUUID();
    return db.transaction(tenantId, (tx) =>
      users.insert(tx, { tenantId, id, email: `${id}@example.test`, emailNormalized: `${id}@example.test`, fullName: 'U', role, isActive: true, passwordHash: null }),
    );
  };

  it('reads a tenant with its defaults, Dates, arrays, JSON and the billing watermark as a number', async () => {
    const tenantId = await newTenant();
    const row = (await db.transaction(tenantId, (tx) => tenants.find(tx, tenantId)))!;
    expect(row).toMatchObject({ version: 1, billingStatus: 'trialing', cancelAtPeriodEnd: false, seatsPaid: null, billingSyncedAt: null, settings: {} });
    expect(row.createdAt).toBeInstanceOf(Date);

    const updated = await db.transaction(tenantId, (tx) =>
      tenants.update(tx, tenantId, { enabledModules: ['crm', 'api_keys'], settings: { timezone: 'UTC' }, billingSyncedAt: 1_700_000_000 }),
    );
    expect(updated).toMatchObject({ version: 2, enabledModules: ['crm', 'api_keys'], settings: { timezone: 'UTC' }, billingSyncedAt: 1_700_000_000 });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(row.updatedAt.getTime());
  });

  it('gives the user a new version on every write, a sign-in included', async () => {
    const tenantId = await newTenant();
    const user = await newUser(tenantId);
    expect(user).toMatchObject({ version: 1, mfaEnabled: false, recoveryCodeHashes: [], lastLoginAt: null });

    await db.transaction(tenantId, (tx) => users.touchLogin(tx, tenantId, user.id));
    const signedIn = (await db.transaction(tenantId, (tx) => users.findById(tx, tenantId, user.id)))!;
    expect(signedIn.version).toBe(2);
    expect(signedIn.lastLoginAt).toBeInstanceOf(Date);

    const renamed = await db.transaction(tenantId, (tx) => users.update(tx, tenantId, user.id, { fullName: 'Renamed', recoveryCodeHashes: ['a', 'b'] }));
    expect(renamed).toMatchObject({ version: 3, fullName: 'Renamed', recoveryCodeHashes: ['a', 'b'] });
    expect(await db.transaction(tenantId, (tx) => users.spendRecoveryCode(tx, tenantId, user.id, 'a'))).toBe(true);
    expect(await db.transaction(tenantId, (tx) => users.spendRecoveryCode(tx, tenantId, user.id, 'a'))).toBe(false);
    expect(await db.transaction(tenantId, (tx) => users.countSeats(tx, tenantId))).toBe(1);
  });

  it('pages users by creation time, at millisecond precision, with the role filter', async () => {
    const tenantId = await newTenant();
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await newUser(tenantId, i % 2 === 0 ? 'admin' : 'rep'));
    const seen: string[] = [];
    let after: { createdAt: string; id: string } | undefined;
    for (;;) {
      const { rows, hasMore } = await db.transaction(tenantId, (tx) => users.page(tx, tenantId, { limit: 2, after }));
      seen.push(...rows.map((r) => r.id));
      if (!hasMore) break;
      const last = rows[rows.length - 1];
      after = { createdAt: last.createdAt.toISOString(), id: last.id };
    }
    // Ties within a millisecond are ordered by id, as the keyset is.
    const byKey = [...created].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    expect(seen).toEqual(byKey.map((u) => u.id));
    const admins = await db.transaction(tenantId, (tx) => users.page(tx, tenantId, { limit: 10, role: 'admin' }));
    expect(admins).toEqual({ rows: expect.any(Array), hasMore: false });
    expect(admins.rows.map((r) => r.id)).toEqual(byKey.filter((u) => u.role === 'admin').map((u) => u.id));
    expect(await db.transaction(tenantId, (tx) => users.countActiveAdmins(tx, tenantId))).toBe(3);
  });

  it('records an API key’s use at most once a minute, and revokes it once', async () => {
    const tenantId = await newTenant();
    const user = await newUser(tenantId, 'admin');
    const id = randomUUID();
    const key = await db.transaction(tenantId, (tx) =>
      keys.insert(tx, { tenantId, id, name: 'k', prefix: 'ek_…abcdef', keyHash: randomUUID(), role: 'rep', createdBy: user.id, expiresAt: null }),
    );
    expect(key).toMatchObject({ lastUsedAt: null, revokedAt: null, expiresAt: null });
    await db.transaction(tenantId, (tx) => keys.touch(tx, tenantId, id));
    const used = (await db.transaction(tenantId, (tx) => keys.find(tx, tenantId, id)))!.lastUsedAt;
    expect(used).toBeInstanceOf(Date);
    await db.transaction(tenantId, (tx) => keys.touch(tx, tenantId, id));
    expect((await db.transaction(tenantId, (tx) => keys.find(tx, tenantId, id)))!.lastUsedAt).toEqual(used);

    const revoked = await db.transaction(tenantId, (tx) => keys.revoke(tx, tenantId, id));
    const again = await db.transaction(tenantId, (tx) => keys.revoke(tx, tenantId, id));
    expect(again.revokedAt).toEqual(revoked.revokedAt);
    expect(await db.transaction(tenantId, (tx) => keys.list(tx, tenantId))).toHaveLength(1);
  });
});
