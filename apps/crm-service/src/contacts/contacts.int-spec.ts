import { randomUUID } from 'node:crypto';
import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';
import { domainError } from '@engage/testing/kit';

describe('contacts against PostgreSQL', () => {
  let kit: CrmKit;

  beforeAll(async () => {
    kit = await startCrmKit();
  });
  afterAll(() => kit.close());

  it('stores phones in E.164, derives the timezone from the phone and reads the contact back', async () => {
    const ctx = kit.newTenant();
    const created = await kit.contacts.create(ctx, {
      first_name: ' Ada ',
      last_name: 'Lovelace',
      emails: ['Ada@Example.COM'],
      phones: [{ number: '(415) 555-0132', country: 'US', label: 'mobile' }],
    });
    expect(created).toMatchObject({
      first_name: 'Ada',
      emails: ['ada@example.com'],
      phones: [{ number: '+14155550132', label: 'mobile', is_primary: true, country: 'US' }],
      timezone: 'America/Los_Angeles',
      owner_id: ctx.userId,
      lifecycle_stage: 'lead',
      version: 1,
    });
    expect(await kit.contacts.get(ctx, created.id)).toEqual(created);
  });

  it('refuses an invalid phone number naming the field', async () => {
    const ctx = kit.newTenant();
    const error = await domainError(kit.contacts.create(ctx, { first_name: 'X', phones: [{ number: '+1 555' }] }));
    expect(error.status).toBe(400);
    expect(error.details).toEqual({ fields: { 'phones.0.number': [expect.stringContaining('not a valid phone number')] } });
  });

  it('answers 409 duplicate with the existing id for a known email or phone, unless duplicates are allowed', async () => {
    const ctx = kit.newTenant();
    const first = await kit.contacts.create(ctx, { first_name: 'A', emails: ['dup@example.com'], phones: [{ number: '+442071838750' }] });
    const byEmail = await domainError(kit.contacts.create(ctx, { first_name: 'B', emails: ['DUP@example.com'] }));
    expect(byEmail).toMatchObject({ status: 409, code: 'duplicate', details: { existing_id: first.id, field: 'emails' } });
    const byPhone = await domainError(kit.contacts.create(ctx, { first_name: 'C', phones: [{ number: '020 7183 8750', country: 'GB' }] }));
    expect(byPhone).toMatchObject({ status: 409, details: { existing_id: first.id, field: 'phones' } });
    const allowed = await kit.contacts.create(ctx, { first_name: 'D', emails: ['dup@example.com'], allow_duplicate: true });
    expect(allowed.id).not.toBe(first.id);
  });

  it('detects look-alike emails as duplicates: full-width, Cyrillic, zero-width, soft hyphen and NFD forms', async () => {
    const ctx = kit.newTenant();
    const first = await kit.contacts.create(ctx, { first_name: 'A', emails: ['john.smith@example.com', 'jos\u00e9@example.com'] });
    for (const lookalike of [
      '\uff4a\uff4f\uff48\uff4e.smith@example.com',
      'j\u043ehn.smith@example.com',
      'jo\u200bhn.smith@example.com',
      'jo\u00adhn.smith@example.com',
      'jose\u0301@example.com',
    ]) {
      const refused = await domainError(kit.contacts.create(ctx, { first_name: 'B', emails: [lookalike] }));
      expect({ lookalike, status: refused.status, existing: (refused.details as { existing_id?: string }).existing_id }).toEqual({ lookalike, status: 409, existing: first.id });
    }
    const imported = await kit.runImport(ctx, 'Name,Email\nJohn Again,j\u043ehn.smith@example.com\n', { on_duplicate: 'skip' });
    expect(imported).toMatchObject({ status: 'completed', created: 0, skipped: 1 });
    const found = await kit.contacts.list(ctx, { q: 'j\u043ehn.smith@example.com' });
    expect(found.data.map((c) => c.id)).toEqual([first.id]);
  });

  it('does not see duplicates across tenants', async () => {
    const a = kit.newTenant();
    const b = kit.newTenant();
    await kit.contacts.create(a, { emails: ['same@example.com'] });
    await expect(kit.contacts.create(b, { emails: ['same@example.com'] })).resolves.toMatchObject({ emails: ['same@example.com'] });
  });

  it('answers 404 for a contact of another tenant, on read, update, delete and merge', async () => {
    const owner = kit.newTenant();
    const stranger = kit.newTenant();
    const contact = await kit.contacts.create(owner, { first_name: 'Private' });
    const mine = await kit.contacts.create(stranger, { first_name: 'Mine' });
    for (const call of [
      () => kit.contacts.get(stranger, contact.id),
      () => kit.contacts.update(stranger, { id: contact.id, first_name: 'Hacked' }),
      () => kit.contacts.delete(stranger, { id: contact.id }),
      () => kit.contacts.restore(stranger, contact.id),
      () => kit.contacts.merge(stranger, { id: mine.id, other_id: contact.id }),
    ]) {
      expect((await domainError(call())).status).toBe(404);
    }
    expect((await kit.contacts.get(owner, contact.id)).first_name).toBe('Private');
  });

  it('answers 412 to a write with a stale version and applies one with the current version', async () => {
    const ctx = kit.newTenant();
    const contact = await kit.contacts.create(ctx, { first_name: 'V' });
    const updated = await kit.contacts.update(ctx, { id: contact.id, title: 'CTO', if_match: 1 });
    expect(updated.version).toBe(2);
    const stale = await domainError(kit.contacts.update(ctx, { id: contact.id, title: 'CEO', if_match: 1 }));
    expect(stale).toMatchObject({ status: 412, details: { current_version: 2 } });
    expect((await kit.contacts.get(ctx, contact.id)).title).toBe('CTO');
  });

  it('lets reps change only contacts they own and keeps owner reassignment for managers', async () => {
    const admin = kit.newTenant();
    const rep = kit.as(admin, 'rep');
    const otherRep = kit.as(admin, 'rep');
    const manager = kit.as(admin, 'manager');
    const repsOwn = await kit.contacts.create(rep, { first_name: 'Own' });
    const someoneElses = await kit.contacts.create(otherRep, { first_name: 'Theirs' });

    await expect(kit.contacts.update(rep, { id: repsOwn.id, title: 'Mine' })).resolves.toMatchObject({ title: 'Mine' });
    expect((await domainError(kit.contacts.update(rep, { id: someoneElses.id, title: 'No' }))).status).toBe(403);
    expect((await domainError(kit.contacts.delete(rep, { id: someoneElses.id }))).status).toBe(403);
    expect((await domainError(kit.contacts.update(rep, { id: repsOwn.id, owner_id: otherRep.userId! }))).status).toBe(403);
    expect((await domainError(kit.contacts.create(rep, { first_name: 'For someone', owner_id: otherRep.userId! }))).status).toBe(403);
    // Reps read every contact of the tenant.
    await expect(kit.contacts.get(rep, someoneElses.id)).resolves.toMatchObject({ first_name: 'Theirs' });

    await expect(kit.contacts.update(manager, { id: someoneElses.id, owner_id: rep.userId! })).resolves.toMatchObject({ owner_id: rep.userId });
    await expect(kit.contacts.update(rep, { id: someoneElses.id, title: 'Now mine' })).resolves.toMatchObject({ title: 'Now mine' });
  });

  it('gives a contact only to an active user of the tenant, and keeps a deactivated owner on later edits', async () => {
    const admin = kit.newTenant();
    const manager = kit.as(admin, 'manager');
    const rep = kit.as(admin, 'rep');
    const otherTenantsUser = kit.newTenant();
    const fieldError = async (work: Promise<unknown>) => {
      const error = await domainError(work);
      return { status: error.status, fields: (error.details as { fields?: Record<string, string[]> }).fields };
    };

    expect(await fieldError(kit.contacts.create(manager, { first_name: 'Nobody', owner_id: randomUUID() }))).toEqual({
      status: 400,
      fields: { owner_id: ['no user of this tenant has this id'] },
    });
    expect(await fieldError(kit.contacts.create(manager, { first_name: 'Elsewhere', owner_id: otherTenantsUser.userId! }))).toEqual({
      status: 400,
      fields: { owner_id: ['no user of this tenant has this id'] },
    });
    const contact = await kit.contacts.create(manager, { first_name: 'Assigned', owner_id: rep.userId! });
    expect(contact.owner_id).toBe(rep.userId);

    kit.deactivate(rep.userId!);
    const other = await kit.contacts.create(manager, { first_name: 'Other' });
    expect(await fieldError(kit.contacts.update(manager, { id: other.id, owner_id: rep.userId! }))).toEqual({
      status: 400,
      fields: { owner_id: ['this user is deactivated'] },
    });
    // Editing a record of a deactivated owner, owner_id sent back unchanged, still works.
    await expect(kit.contacts.update(manager, { id: contact.id, owner_id: rep.userId!, title: 'Kept' })).resolves.toMatchObject({ title: 'Kept', owner_id: rep.userId });
    expect((await kit.contacts.get(manager, other.id)).owner_id).toBe(manager.userId);
  });

  it('soft-deletes a contact, hides it, and restores it', async () => {
    const ctx = kit.newTenant();
    const contact = await kit.contacts.create(ctx, { first_name: 'Gone', emails: ['gone@example.com'] });
    await kit.contacts.delete(ctx, { id: contact.id });
    expect((await domainError(kit.contacts.get(ctx, contact.id))).status).toBe(404);
    expect((await kit.contacts.list(ctx, {})).data).toHaveLength(0);
    expect((await kit.contacts.list(ctx, { deleted: true })).data.map((c) => c.id)).toEqual([contact.id]);
    // The email is free again while the contact is deleted.
    await kit.contacts.create(ctx, { first_name: 'New', emails: ['other@example.com'] });
    const restored = await kit.contacts.restore(ctx, contact.id);
    expect(restored).toMatchObject({ id: contact.id, deleted_at: null, version: 3 });
    expect((await kit.contacts.get(ctx, contact.id)).first_name).toBe('Gone');
  });

  it('refuses to restore a contact deleted more than 30 days ago', async () => {
    const ctx = kit.newTenant();
    const contact = await kit.contacts.create(ctx, { first_name: 'Old' });
    await kit.contacts.delete(ctx, { id: contact.id });
    await kit.db.transaction(ctx.tenantId, (tx) =>
      tx.query(`UPDATE crm.contacts SET deleted_at = now() - interval '31 days' WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, contact.id]),
    );
    expect((await domainError(kit.contacts.restore(ctx, contact.id))).status).toBe(404);
  });

  it('filters by owner, tag, lifecycle stage and updated_since, and sorts by lead score', async () => {
    const ctx = kit.newTenant();
    const rep = kit.as(ctx, 'rep');
    await kit.contacts.create(ctx, { first_name: 'a', lead_score: 10, tags: ['vip'], lifecycle_stage: 'customer' });
    await kit.contacts.create(rep, { first_name: 'b', lead_score: 30 });
    await kit.contacts.create(ctx, { first_name: 'c', lead_score: 20, tags: ['vip'] });
    const names = async (q: Parameters<CrmKit['contacts']['list']>[1]) => (await kit.contacts.list(ctx, q)).data.map((c) => c.first_name);
    expect(await names({ owner_id: rep.userId! })).toEqual(['b']);
    expect(await names({ tag: 'vip', sort: 'name' })).toEqual(['a', 'c']);
    expect(await names({ lifecycle_stage: 'customer' })).toEqual(['a']);
    expect(await names({ sort: '-lead_score' })).toEqual(['b', 'c', 'a']);
    expect(await names({ updated_since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
  });

  it('merges another contact in: fields, emails, phones, tags and deals move; the other is deleted; an event says so', async () => {
    const ctx = kit.newTenant();
    const survivor = await kit.contacts.create(ctx, { first_name: 'Sam', emails: ['sam@a.test'], tags: ['a'] });
    const other = await kit.contacts.create(ctx, {
      first_name: 'Samuel',
      last_name: 'Jones',
      title: 'VP',
      emails: ['sam@b.test'],
      phones: [{ number: '+33142685300' }],
      tags: ['b'],
    });
    const deal = await kit.deals.create(ctx, { name: 'Big one', contact_id: other.id });
    const merged = await kit.contacts.merge(ctx, { id: survivor.id, other_id: other.id });
    expect(merged).toMatchObject({
      id: survivor.id,
      first_name: 'Sam',
      last_name: 'Jones',
      title: 'VP',
      emails: ['sam@a.test', 'sam@b.test'],
      phones: [{ number: '+33142685300', is_primary: false }],
      tags: ['a', 'b'],
    });
    expect((await domainError(kit.contacts.get(ctx, other.id))).status).toBe(404);
    expect((await kit.deals.get(ctx, deal.id)).contact_id).toBe(survivor.id);
    // The merged contact's email now points at the survivor.
    expect(await domainError(kit.contacts.create(ctx, { emails: ['sam@b.test'] }))).toMatchObject({ details: { existing_id: survivor.id } });
    const events = await kit.events(ctx.tenantId);
    expect(events.find((e) => e.subject === 'evt.crm.contact.merged')?.envelope.payload).toMatchObject({ survivor_id: survivor.id, merged_id: other.id });
    // The moved deal says so too, with its new version.
    expect(events.filter((e) => e.subject === 'evt.crm.deal.updated' && e.envelope.aggregate_id === deal.id).map((e) => e.envelope.payload)).toEqual([
      { deal: expect.objectContaining({ contact_id: survivor.id, version: deal.version + 1 }), changed: ['contact_id'] },
    ]);
    expect((await domainError(kit.contacts.merge(ctx, { id: survivor.id, other_id: survivor.id }))).status).toBe(400);
  });

  it('writes created, updated and deleted events with the aggregate version, in the same transaction', async () => {
    const ctx = kit.newTenant();
    const contact = await kit.contacts.create(ctx, { first_name: 'Evt' });
    await kit.contacts.update(ctx, { id: contact.id, lead_score: 5 });
    await kit.contacts.delete(ctx, { id: contact.id });
    // A failed write leaves no event behind.
    await domainError(kit.contacts.update(ctx, { id: contact.id, lead_score: 6 }));
    const events = await kit.events(ctx.tenantId);
    expect(events.map((e) => [e.subject, e.envelope.version])).toEqual([
      ['evt.crm.contact.created', 1],
      ['evt.crm.contact.updated', 2],
      ['evt.crm.contact.deleted', 3],
    ]);
    expect(events[1].envelope.payload).toMatchObject({ changed: ['lead_score'] });
  });

  it('validates custom field values against the definitions and filters by them', async () => {
    const ctx = kit.newTenant();
    await kit.customFields.create(ctx, { object_type: 'contact', key: 'segment', label: 'Segment', type: 'single_select', options: ['smb', 'enterprise'] });
    await kit.customFields.create(ctx, { object_type: 'contact', key: 'seats', label: 'Seats', type: 'number' });
    const big = await kit.contacts.create(ctx, { first_name: 'Big', custom_fields: { segment: 'enterprise', seats: 500 } });
    await kit.contacts.create(ctx, { first_name: 'Small', custom_fields: { segment: 'smb', seats: 5 } });
    const bad = await domainError(kit.contacts.create(ctx, { first_name: 'Bad', custom_fields: { segment: 'huge', seats: '5', nope: 1 } }));
    expect(bad.details).toEqual({
      fields: {
        'custom_fields.segment': [expect.stringContaining('must be one of')],
        'custom_fields.seats': ['must be a number'],
        'custom_fields.nope': ['is not a custom field of contacts'],
      },
    });
    expect((await kit.contacts.list(ctx, { custom_field: ['segment:enterprise'] })).data.map((c) => c.id)).toEqual([big.id]);
    expect((await kit.contacts.list(ctx, { custom_field: ['seats:500'] })).data.map((c) => c.id)).toEqual([big.id]);
    expect((await domainError(kit.contacts.list(ctx, { custom_field: ['seats:many'] }))).status).toBe(400);
  });

  it('refuses to link a company of another tenant', async () => {
    const a = kit.newTenant();
    const b = kit.newTenant();
    const theirs = await kit.companies.create(b, { name: 'Theirs' });
    expect(await domainError(kit.contacts.create(a, { first_name: 'X', company_id: theirs.id }))).toMatchObject({
      status: 400,
      details: { fields: { company_id: ['no such company'] } },
    });
  });
});
