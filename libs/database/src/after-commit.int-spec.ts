import { randomUUID } from 'node:crypto';
import { testEnv } from '@engage/testing';
import { afterCommit, onAfterCommitError } from './after-commit';
import { createDataSource } from './data-source';
import { TenantDatabase } from './tenant-database';

/** Callbacks registered with afterCommit run after a commit, in order, and never after a rollback. */
describe('afterCommit', () => {
  let db: TenantDatabase;

  beforeAll(async () => {
    const dataSource = createDataSource({ url: testEnv.databaseUrls('identity').app, schema: 'identity', entities: [], poolSize: 2, applicationName: 'after-commit-int-spec' });
    await dataSource.initialize();
    db = new TenantDatabase(dataSource);
  });
  afterAll(() => db.close());

  it('runs the callbacks in order once the transaction committed, before transaction() resolves', async () => {
    const seen: string[] = [];
    const result = await db.transaction(randomUUID(), async (tx) => {
      afterCommit(tx, () => seen.push('first'));
      afterCommit(tx, async () => {
        await new Promise((r) => setTimeout(r, 5));
        seen.push('second');
      });
      seen.push('inside');
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toEqual(['inside', 'first', 'second']);
  });

  it('drops them when the transaction rolls back', async () => {
    const seen: string[] = [];
    await expect(
      db.transaction(randomUUID(), async (tx) => {
        afterCommit(tx, () => seen.push('never'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([]);
  });

  it('reports a failing callback without failing the committed call, and runs the rest', async () => {
    const errors: unknown[] = [];
    onAfterCommitError((e) => errors.push(e));
    const seen: string[] = [];
    await db.transaction(randomUUID(), async (tx) => {
      afterCommit(tx, () => {
        throw new Error('lost publish');
      });
      afterCommit(tx, () => seen.push('still runs'));
    });
    expect(seen).toEqual(['still runs']);
    expect(errors).toHaveLength(1);
    onAfterCommitError(() => undefined);
  });

  it('works for cross-tenant work too, and refuses a Tx it did not open', async () => {
    const seen: string[] = [];
    await db.acrossTenants('messaging_retention', async (tx) => afterCommit(tx, () => seen.push('across')));
    expect(seen).toEqual(['across']);
    expect(() => afterCommit({ query: async () => [] }, () => undefined)).toThrow(/TenantDatabase/);
  });
});
