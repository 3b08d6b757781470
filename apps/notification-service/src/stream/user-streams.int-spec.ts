import { randomUUID } from 'node:crypto';
import { Events } from '@engage/contracts';
import { domainError } from '@engage/testing/kit';
import { envelopeOf, type NotificationKit, startNotificationKit } from '../test-support/notification-test-kit';
import { StreamRetention } from './stream-retention';

/** Each user's stream: gap-free seqs, one entry per event however often it comes, reads after a seq. */
describe('user streams', () => {
  let kit: NotificationKit;
  beforeAll(async () => {
    kit = await startNotificationKit();
  });
  afterAll(() => kit.close());

  const append = (tenantId: string, userId: string, n: number) =>
    kit.db.transaction(tenantId, (tx) => kit.streams.append(tx, tenantId, userId, 'notification', { n }));

  it('numbers one user’s entries 1, 2, 3… without gaps or repeats under parallel appends', async () => {
    const ctx = kit.newTenant('rep');
    const userId = ctx.userId as string;
    const entries = await Promise.all(Array.from({ length: 40 }, (_, i) => append(ctx.tenantId, userId, i)));
    expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const read = await kit.streams.read(ctx, { after: 0, limit: 500 });
    expect(read.entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(read).toMatchObject({ latest_seq: 40, has_more: false, reset: false });
    // Every committed entry was published live once, after its commit.
    const published = kit.publisher.published.filter((p) => p.userId === userId).map((p) => p.entry.seq);
    expect(published.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('keeps seqs gap-free when an appending transaction rolls back, and publishes nothing for it', async () => {
    const ctx = kit.newTenant('rep');
    const userId = ctx.userId as string;
    await append(ctx.tenantId, userId, 1);
    await expect(
      kit.db.transaction(ctx.tenantId, async (tx) => {
        await kit.streams.append(tx, ctx.tenantId, userId, 'notification', { n: 'rolled back' });
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    const next = await append(ctx.tenantId, userId, 2);
    expect(next.seq).toBe(2);
    expect(kit.publisher.published.filter((p) => p.userId === userId).map((p) => p.entry.data)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('keeps users and tenants apart: each has its own seqs and reads only its own entries', async () => {
    const a = kit.newTenant('rep');
    const b = kit.as(a, 'rep');
    const other = kit.newTenant('rep');
    await append(a.tenantId, a.userId as string, 1);
    await append(a.tenantId, a.userId as string, 2);
    await append(b.tenantId, b.userId as string, 1);
    // The same user id in another tenant is another stream (a forged context reads nothing of a).
    const forged = { ...other, userId: a.userId };
    expect((await kit.streams.read(a, { after: null })).entries.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await kit.streams.read(b, { after: null })).entries.map((e) => e.seq)).toEqual([1]);
    expect(await kit.streams.read(forged, { after: null })).toEqual({ entries: [], latest_seq: 0, has_more: false, reset: false });
    expect(await kit.streams.latest(a)).toEqual({ latest_seq: 2 });
  });

  it('reads after a seq, in pages with has_more, and resets an `after` beyond the latest seq', async () => {
    const ctx = kit.newTenant('rep');
    for (let i = 1; i <= 7; i++) await append(ctx.tenantId, ctx.userId as string, i);
    const first = await kit.streams.read(ctx, { after: 2, limit: 3 });
    expect(first.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(first).toMatchObject({ latest_seq: 7, has_more: true, reset: false });
    const second = await kit.streams.read(ctx, { after: 5, limit: 3 });
    expect(second.entries.map((e) => e.seq)).toEqual([6, 7]);
    expect(second.has_more).toBe(false);
    expect(await kit.streams.read(ctx, { after: 7 })).toEqual({ entries: [], latest_seq: 7, has_more: false, reset: false });
    expect(await kit.streams.read(ctx, { after: 8 })).toEqual({ entries: [], latest_seq: 7, has_more: false, reset: true });
    expect(await kit.streams.read(kit.newTenant('rep'), { after: 3 })).toMatchObject({ latest_seq: 0, reset: true });
  });

  it('caps a read at 500 entries', async () => {
    const ctx = kit.newTenant('rep');
    await kit.db.transaction(ctx.tenantId, async (tx) => {
      for (let i = 0; i < 502; i++) await kit.streams.append(tx, ctx.tenantId, ctx.userId as string, 'call.updated', { i });
    });
    const read = await kit.streams.read(ctx, { after: 0, limit: 10_000 });
    expect(read.entries).toHaveLength(500);
    expect(read).toMatchObject({ latest_seq: 502, has_more: true });
  });

  it('refuses a malformed after or limit, and a caller who is not signed in', async () => {
    const ctx = kit.newTenant('rep');
    for (const after of [-1, 1.5, '3', Number.MAX_VALUE]) {
      expect((await domainError(kit.streams.read(ctx, { after: after as number }))).status).toBe(400);
    }
    expect((await domainError(kit.streams.read(ctx, { after: 0, limit: 0 }))).status).toBe(400);
    expect((await domainError(kit.streams.read({ ...ctx, userId: null }, { after: 0 }))).status).toBe(401);
  });

  it('purges entries past retention, keeps the latest seq, and resets a client behind the purge', async () => {
    const ctx = kit.newTenant('rep');
    const userId = ctx.userId as string;
    for (let i = 1; i <= 5; i++) await append(ctx.tenantId, userId, i);
    // Entries 1–3 are ten days old.
    await kit.db.transaction(ctx.tenantId, (tx) =>
      tx.query(`UPDATE notification.stream_entries SET created_at = now() - interval '10 days' WHERE tenant_id = $1 AND user_id = $2 AND seq <= 3`, [ctx.tenantId, userId]),
    );
    const retention = new StreamRetention(kit.streams, { info: () => undefined } as never, kit.config, { addInterval: () => undefined } as never);
    expect(await retention.runOnce()).toBeGreaterThanOrEqual(3);
    expect(await kit.streams.read(ctx, { after: 1 })).toEqual({ entries: [], latest_seq: 5, has_more: false, reset: true });
    const fromRetained = await kit.streams.read(ctx, { after: 3 });
    expect(fromRetained.entries.map((e) => e.seq)).toEqual([4, 5]);
    expect(fromRetained.reset).toBe(false);
    expect((await kit.streams.read(ctx, { after: 0 })).entries.map((e) => e.seq)).toEqual([4, 5]);
    expect((await append(ctx.tenantId, userId, 6)).seq).toBe(6);
  });

  it('appends one entry per event however often the event is delivered', async () => {
    const ctx = kit.newTenant('rep');
    const call = { id: randomUUID(), owner_id: ctx.userId, status: 'ringing' } as never;
    const event = envelopeOf(Events.telephony.callUpdated, ctx.tenantId, { call, previous_status: 'queued' });
    expect(await kit.deliver(kit.realtime, kit.realtime.onCallUpdated, event)).toBe('applied');
    expect(await kit.deliver(kit.realtime, kit.realtime.onCallUpdated, event)).toBe('duplicate');
    const read = await kit.streams.read(ctx, { after: 0 });
    expect(read.entries).toEqual([{ type: 'call.updated', seq: 1, data: { ...(call as object), previous_status: 'queued' } }]);
  });
});
