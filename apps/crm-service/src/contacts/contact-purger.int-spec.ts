import { SchedulerRegistry } from '@nestjs/schedule';
import { createLogger } from '@engage/logging';
import { OutboxWriter } from '@engage/messaging';
import type { CrmConfig } from '../config';
import { SCHEMA } from '../database/definition';
import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';
import { domainError } from '@engage/testing/kit';
import { DealsRepository } from '../deals/deals.repository';
import { ContactPurger } from './contact-purger';

describe('purging contacts past the restore window', () => {
  let kit: CrmKit;
  let purger: ContactPurger;

  beforeAll(async () => {
    kit = await startCrmKit();
    purger = new ContactPurger(kit.db, new DealsRepository(kit.db), new OutboxWriter(SCHEMA), createLogger({ service: 'purge-int-spec', level: 'silent', sync: true }), {
      PURGE_INTERVAL_MS: 60_000,
    } as CrmConfig, new SchedulerRegistry());
  });
  afterAll(() => kit.close());

  /** Moves a soft deletion back in time, as if it had happened `days` ago. */
  const deletedDaysAgo = (tenantId: string, id: string, days: number) =>
    kit.db.transaction(tenantId, (tx) => tx.query(`UPDATE crm.contacts SET deleted_at = now() - make_interval(days => $2) WHERE id = $1`, [id, days]));

  it('erases contacts deleted more than 30 days ago, with their channel keys and deal links, and says so in one event', async () => {
    const ctx = kit.newTenant();
    const expired = await kit.contacts.create(ctx, { first_name: 'Gone', emails: ['gone@example.com'] });
    const recent = await kit.contacts.create(ctx, { first_name: 'Recent', emails: ['recent@example.com'] });
    const live = await kit.contacts.create(ctx, { first_name: 'Live', emails: ['live@example.com'] });
    const deal = await kit.deals.create(ctx, { name: 'Linked', contact_id: expired.id });
    for (const c of [expired, recent]) await kit.contacts.delete(ctx, { id: c.id });
    await deletedDaysAgo(ctx.tenantId, expired.id, 31);
    await deletedDaysAgo(ctx.tenantId, recent.id, 29);

    const other = kit.newTenant();
    const othersRecent = await kit.contacts.create(other, { first_name: 'Elsewhere' });
    await kit.contacts.delete(other, { id: othersRecent.id });
    await deletedDaysAgo(other.tenantId, othersRecent.id, 29);

    const round = await purger.runOnce();
    expect(round.contacts).toBeGreaterThanOrEqual(1);

    // Gone for good: not restorable, not in the deleted list, its email free again.
    expect((await domainError(kit.contacts.restore(ctx, expired.id))).status).toBe(404);
    expect((await kit.contacts.list(ctx, { deleted: true })).data.map((c) => c.id)).toEqual([recent.id]);
    const channels = await kit.db.transaction(ctx.tenantId, (tx) => tx.query(`SELECT value FROM crm.contact_channels WHERE contact_id = $1`, [expired.id]));
    expect(channels).toEqual([]);
    await expect(kit.contacts.create(ctx, { first_name: 'New', emails: ['gone@example.com'] })).resolves.toMatchObject({ first_name: 'New' });
    // The deal stays, without its contact.
    expect(await kit.deals.get(ctx, deal.id)).toMatchObject({ id: deal.id, contact_id: null });
    // The rest is untouched: a recent deletion can still be restored, live contacts and other tenants stay.
    await expect(kit.contacts.restore(ctx, recent.id)).resolves.toMatchObject({ id: recent.id });
    await expect(kit.contacts.get(ctx, live.id)).resolves.toMatchObject({ id: live.id });
    await expect(kit.contacts.restore(other, othersRecent.id)).resolves.toMatchObject({ id: othersRecent.id });

    const events = await kit.events(ctx.tenantId);
    const purged = events.filter((e) => e.subject === 'evt.crm.contact.purged');
    expect(purged.map((e) => e.envelope.payload)).toEqual([{ contact_ids: [expired.id], unlinked_deal_ids: [deal.id] }]);
    // Consumers of deal events learn that the deal lost its contact.
    const dealUpdates = events.filter((e) => e.subject === 'evt.crm.deal.updated').map((e) => e.envelope.payload);
    expect(dealUpdates).toContainEqual({ deal: expect.objectContaining({ id: deal.id, contact_id: null, version: deal.version + 1 }), changed: ['contact_id'] });
    expect((await kit.events(other.tenantId)).some((e) => e.subject === 'evt.crm.contact.purged')).toBe(false);
  });

  it('takes out of the typo vocabulary the names that only purged contacts carried', async () => {
    const ctx = kit.newTenant();
    const rare = await kit.contacts.create(ctx, { first_name: 'Zbigniew', last_name: 'Smith' });
    const shared = await kit.contacts.create(ctx, { first_name: 'Anna', last_name: 'Smith' });
    const restorable = await kit.contacts.create(ctx, { first_name: 'Wojciech', last_name: 'Nowak' });
    const sameFirst = await kit.contacts.create(ctx, { first_name: 'Wojciech', last_name: 'Kowalski' });
    for (const c of [rare, restorable, sameFirst]) await kit.contacts.delete(ctx, { id: c.id });
    await deletedDaysAgo(ctx.tenantId, rare.id, 40);
    await deletedDaysAgo(ctx.tenantId, sameFirst.id, 40);
    const vocabulary = async () =>
      (
        await kit.db.transaction(ctx.tenantId, (tx) => tx.query(`SELECT DISTINCT value FROM crm.name_vocabulary WHERE tenant_id = $1 ORDER BY value`, [ctx.tenantId]))
      ).map((r: { value: string }) => r.value);
    expect(await vocabulary()).toEqual(['anna', 'kowalski', 'nowak', 'smith', 'wojciech', 'zbigniew']);

    await purger.runOnce();
    // Zbigniew and Kowalski had no other holder; Smith is still Anna's, Wojciech and Nowak still
    // belong to a deletion that can be restored.
    expect(await vocabulary()).toEqual(['anna', 'nowak', 'smith', 'wojciech']);
    expect((await kit.contacts.list(ctx, { q: 'zbigniw' })).data).toEqual([]);
    expect((await kit.contacts.list(ctx, { q: 'smtih' })).data.map((c) => c.id)).toEqual([shared.id]);
    await kit.contacts.restore(ctx, restorable.id);
    expect((await kit.contacts.list(ctx, { q: 'wojciesh nowak' })).data.map((c) => c.id)).toEqual([restorable.id]);
  });

  it('finds nothing to do on a second round', async () => {
    const ctx = kit.newTenant();
    const c = await kit.contacts.create(ctx, { first_name: 'Once' });
    await kit.contacts.delete(ctx, { id: c.id });
    await deletedDaysAgo(ctx.tenantId, c.id, 45);
    expect((await purger.runOnce()).contacts).toBeGreaterThanOrEqual(1);
    const again = await purger.runOnce();
    expect(again).toEqual({ tenants: 0, contacts: 0 });
  });
});
