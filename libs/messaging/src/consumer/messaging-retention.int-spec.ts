import { randomUUID } from 'node:crypto';
import { createDataSource, TenantDatabase } from '@engage/database';
import { testEnv } from '@engage/testing';
import { messagingEntities } from '../outbox/outbox.entities';
import { purgeConsumerBookkeeping } from './messaging-retention';

/** Inbox and applied-versions rows older than the stream's retention go; newer ones stay, for every tenant. */
describe('consumer bookkeeping retention', () => {
  const dataSource = createDataSource({ url: testEnv.databaseUrls('telephony').app, schema: 'telephony', entities: messagingEntities('telephony'), applicationName: 'retention-test' });
  const db = new TenantDatabase(dataSource);
  const consumer = `retention-${randomUUID()}`;

  beforeAll(() => dataSource.initialize());
  afterAll(() => db.close());

  const seed = (tenantId: string, ageDays: number, count: number) =>
    db.transaction(tenantId, async (tx) => {
      for (let i = 0; i < count; i++) {
        await tx.query(`INSERT INTO telephony.inbox (tenant_id, consumer, event_id, processed_at) VALUES ($1, $2, $3, now() - make_interval(days => $4))`, [tenantId, consumer, randomUUID(), ageDays]);
        await tx.query(
          `INSERT INTO telephony.applied_versions (tenant_id, consumer, aggregate_type, aggregate_id, version, applied_at) VALUES ($1, $2, 'call', $3, 1, now() - make_interval(days => $4))`,
          [tenantId, consumer, randomUUID(), ageDays],
        );
      }
    });
  const count = (tenantId: string) =>
    db.transaction(tenantId, async (tx) => ({
      inbox: (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM telephony.inbox WHERE consumer = $1`, [consumer]))[0].n,
      versions: (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM telephony.applied_versions WHERE consumer = $1`, [consumer]))[0].n,
    }));

  it('deletes rows past retention in batches, across tenants, and keeps the rest', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await seed(a, 10, 5);
    await seed(a, 1, 2);
    await seed(b, 8, 3);
    await seed(b, 0, 1);

    const purged = await purgeConsumerBookkeeping(db, 'telephony', 7, 2);
    expect(purged.inbox).toBeGreaterThanOrEqual(8);
    expect(purged.appliedVersions).toBeGreaterThanOrEqual(8);
    expect(await count(a)).toEqual({ inbox: 2, versions: 2 });
    expect(await count(b)).toEqual({ inbox: 1, versions: 1 });
  });

  it('cannot be done from a tenant transaction for another tenant', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await seed(a, 30, 1);
    await db.transaction(b, (tx) => tx.query(`DELETE FROM telephony.inbox WHERE consumer = $1`, [consumer]));
    expect(await count(a)).toEqual({ inbox: 1, versions: 1 });
  });
});
