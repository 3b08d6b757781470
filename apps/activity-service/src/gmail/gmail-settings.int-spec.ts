import type { TenantContext } from '@engage/context';
import { until } from '@engage/testing';
import { domainError } from '@engage/testing/kit';
import { ALICE, BOB, type GmailKit, startGmailKit } from '../test-support/gmail-test-kit';

/**
 * The tenant's Gmail settings against the Gmail stand-in and the real database: how far back a
 * first sync reads, and message bodies kept (sealed) only when an admin turns it on, readable by
 * whoever may read the activity, and gone with the activity, when turned off, and past the retention.
 */
jest.setTimeout(60_000);

let kit: GmailKit;
beforeAll(async () => {
  kit = await startGmailKit();
});
afterAll(() => kit?.close());

describe('tenant settings and stored bodies', () => {
  let t: ReturnType<GmailKit['tenantWithContacts']>;
  let admin: TenantContext;
  beforeEach(async () => {
    await kit.control('/reset', {});
    t = kit.tenantWithContacts();
    admin = kit.users.as(t.alice, 'admin');
  });

  const bodyRows = (tenantId: string) => kit.db.transaction(tenantId, (tx) => tx.query<{ activity_id: string; body_sealed: string }>(`SELECT activity_id, body_sealed FROM activity.email_bodies WHERE tenant_id = $1`, [tenantId]));

  it('reads the defaults, lets admins change them and refuses others with 403', async () => {
    expect(await kit.settings.get(t.alice)).toEqual({ initial_sync_days: 30, store_bodies: false, body_retention_days: null, updated_at: null });
    expect(await domainError(kit.settings.update(t.alice, { store_bodies: true }))).toMatchObject({ status: 403 });
    const changed = await kit.settings.update(admin, { initial_sync_days: 60 });
    expect(changed).toMatchObject({ initial_sync_days: 60, store_bodies: false, body_retention_days: null });
    expect(await kit.settings.update(admin, { body_retention_days: 90 })).toMatchObject({ initial_sync_days: 60, body_retention_days: 90 });
    expect(await kit.settings.update(admin, { body_retention_days: null })).toMatchObject({ initial_sync_days: 60, body_retention_days: null });
    expect(await kit.settings.get(kit.newTenant())).toMatchObject({ initial_sync_days: 30 });
  });

  it('reads as many days back as the tenant chose', async () => {
    await kit.settings.update(admin, { initial_sync_days: 60 });
    await kit.connectAs(t.alice, ALICE);
    const ids = (await kit.emails(t.alice.tenantId)).map((e) => e.payload.message_id);
    expect(ids).toContain('kickoff-old@customer.test');
    expect(ids).toHaveLength(7);
  });

  it('keeps bodies only when the tenant stores them, sealed, readable by who may read the activity, and gone when turned off', async () => {
    await kit.connectAs(t.alice, ALICE);
    expect(await bodyRows(t.alice.tenantId)).toEqual([]);
    await kit.settings.update(admin, { store_bodies: true });
    await kit.connectAs(t.bob, BOB);
    const emails = await kit.emails(t.alice.tenantId);
    const demo = emails.find((e) => e.payload.message_id === 'demo-1@prospect.test')!;
    const rows = await bodyRows(t.alice.tenantId);
    expect(rows.map((r) => r.activity_id)).toEqual([demo.id]);
    expect(rows[0].body_sealed).toMatch(/^v1\./);
    expect(rows[0].body_sealed).not.toContain('demo');
    expect(await kit.settings.body(t.bob, demo.id)).toEqual({ activity_id: demo.id, text: 'Hello Bob, could we see a demo next week?', truncated: false });

    // A message synced before bodies were stored has none; another tenant's id answers 404 like an unknown one.
    const renewal = emails.find((e) => e.payload.message_id === 'renewal-1@customer.test')!;
    expect(await domainError(kit.settings.body(t.bob, renewal.id))).toMatchObject({ status: 404 });
    expect(await domainError(kit.settings.body(kit.newTenant(), demo.id))).toMatchObject({ status: 404 });

    await kit.settings.update(admin, { store_bodies: false });
    expect(await bodyRows(t.alice.tenantId)).toEqual([]);
    expect(await domainError(kit.settings.body(t.bob, demo.id))).toMatchObject({ status: 404 });
  });

  it('decodes text in its charset, falls back to the HTML part, and deletes bodies with their activity and past the retention', async () => {
    await kit.settings.update(admin, { store_bodies: true });
    await kit.connectAs(t.alice, ALICE);
    const emails = await kit.emails(t.alice.tenantId);
    const german = emails.find((e) => e.payload.message_id === 'rechnung-42@kunde.test')!;
    expect((await kit.settings.body(t.alice, german.id)).text).toBe('Grüße aus München: die Überweisung ist unterwegs.');
    await kit.control(`/mailboxes/${ALICE}/messages`, { from: 'dana@customer.test', to: [ALICE], subject: 'html only', html: '<p>Hello <b>Alice</b></p><script>x()</script><p>Q&amp;A</p>', messageId: '<html-1@customer.test>', ageHours: 0 });
    const html = await until('the html message', async () => (await kit.emails(t.alice.tenantId)).find((e) => e.payload.message_id === 'html-1@customer.test'), 5000);
    await kit.sync.idle();
    expect((await kit.settings.body(t.alice, html.id)).text).toBe('Hello Alice\nQ&A');

    // Erasing a contact erases its timeline, and the bodies go with it.
    const before = (await bodyRows(t.alice.tenantId)).length;
    await kit.db.transaction(t.alice.tenantId, (tx) => tx.query(`DELETE FROM activity.activities WHERE tenant_id = $1 AND contact_id = $2`, [t.alice.tenantId, t.gina]));
    expect(await bodyRows(t.alice.tenantId)).toHaveLength(before - 1);

    // Past the retention, the next sync deletes them.
    await kit.settings.update(admin, { body_retention_days: 1 });
    await kit.db.transaction(t.alice.tenantId, (tx) => tx.query(`UPDATE activity.email_bodies SET created_at = now() - interval '2 days' WHERE tenant_id = $1 AND activity_id = $2`, [t.alice.tenantId, html.id]));
    await kit.sync.run(t.alice.tenantId, t.alice.userId!);
    const left = await bodyRows(t.alice.tenantId);
    expect(left).toHaveLength(before - 2);
    expect(left.map((r) => r.activity_id)).not.toContain(html.id);
  });
});
