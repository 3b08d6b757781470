import { randomUUID } from 'node:crypto';
import { type ActivityView, type CallCompletedEvent, Events } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { domainError } from '@engage/testing/kit';
import { type ActivityKit, envelopeOf, startActivityKit } from '../test-support/activity-test-kit';

/** Notes, meetings and tasks people write: validation, references, ownership, concurrency, mentions, isolation. */
describe('manual activities', () => {
  let kit: ActivityKit;
  beforeAll(async () => {
    kit = await startActivityKit();
  });
  afterAll(() => kit.close());

  /** A tenant with an admin, and a contact, a deal and a company crm-service knows. */
  function tenant() {
    const admin = kit.newTenant('admin');
    return {
      admin,
      contactId: kit.records.add(admin, 'contact_id'),
      dealId: kit.records.add(admin, 'deal_id'),
      companyId: kit.records.add(admin, 'company_id'),
    };
  }

  const eventsOf = async (ctx: TenantContext, subject: string) => (await kit.events(ctx.tenantId)).filter((e) => e.subject === subject);

  it('writes a note on a contact, deal and company, announced once', async () => {
    const { admin, contactId, dealId, companyId } = tenant();
    const note = await kit.activities.create(admin, {
      type: 'note',
      contact_id: contactId,
      deal_id: dealId,
      company_id: companyId,
      subject: '  Pricing call  ',
      body: 'They want a 3-year deal.',
    });
    expect(note).toMatchObject({
      type: 'note',
      contact_id: contactId,
      deal_id: dealId,
      company_id: companyId,
      actor_id: admin.userId,
      subject: 'Pricing call',
      body: 'They want a 3-year deal.',
      payload: { mentions: [] },
      source_event_id: null,
      due_at: null,
      assignee_id: null,
      done: null,
      version: 1,
    });
    expect(Date.now() - Date.parse(note.occurred_at)).toBeLessThan(60_000);
    expect(await kit.activities.get(admin, note.id)).toEqual(note);
    const created = await eventsOf(admin, Events.activity.activityCreated.subject);
    expect(created.map((e) => e.envelope.payload)).toEqual([{ activity: note }]);
  });

  it('creates a task with a due date and an active assignee, not done by default', async () => {
    const { admin, contactId } = tenant();
    const rep = kit.as(admin, 'rep');
    const task = await kit.activities.create(admin, { type: 'task', contact_id: contactId, body: 'Send the proposal', due_at: '2026-04-01T09:00:00+02:00', assignee_id: rep.userId! });
    expect(task).toMatchObject({ type: 'task', due_at: '2026-04-01T07:00:00.000000Z', assignee_id: rep.userId, done: false });
  });

  it('refuses task fields on notes and meetings, and nulls where a value is needed (400 per field)', async () => {
    const { admin } = tenant();
    const error = await domainError(kit.activities.create(admin, { type: 'meeting', body: 'Lunch', due_at: '2026-04-01T09:00:00Z', done: true, assignee_id: admin.userId! }));
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(Object.keys((error.details as { fields: object }).fields).sort()).toEqual(['assignee_id', 'done', 'due_at']);
    const task = await kit.activities.create(admin, { type: 'task', body: 'Call back' });
    for (const patch of [{ body: null }, { occurred_at: null }, { done: null }]) {
      const refused = await domainError(kit.activities.update(admin, { id: task.id, ...(patch as object) }));
      expect({ patch, status: refused.status }).toEqual({ patch, status: 400 });
    }
  });

  it('answers 400 on each field naming a record that does not exist in the tenant', async () => {
    const { admin, contactId } = tenant();
    const other = tenant();
    const error = await domainError(
      kit.activities.create(admin, { type: 'note', body: 'x', contact_id: other.contactId, deal_id: randomUUID(), company_id: other.companyId }),
    );
    expect(error).toMatchObject({
      status: 400,
      details: { fields: { contact_id: ['no such contact'], deal_id: ['no such deal'], company_id: ['no such company'] } },
    });
    // A contact deleted in crm-service is gone for new activities too.
    kit.records.remove(contactId);
    expect((await domainError(kit.activities.create(admin, { type: 'note', body: 'x', contact_id: contactId }))).status).toBe(400);
    expect(await kit.rows(admin.tenantId)).toEqual([]);
  });

  it('answers 400 for an assignee who is unknown, of another tenant, or deactivated', async () => {
    const { admin } = tenant();
    const stranger = kit.newTenant();
    const gone = kit.as(admin, 'rep');
    kit.users.deactivate(gone.userId!);
    for (const [assignee, message] of [
      [randomUUID(), 'no user of this tenant has this id'],
      [stranger.userId!, 'no user of this tenant has this id'],
      [gone.userId!, 'this user is deactivated'],
    ]) {
      const error = await domainError(kit.activities.create(admin, { type: 'task', body: 'x', assignee_id: assignee }));
      expect(error).toMatchObject({ status: 400, details: { fields: { assignee_id: [message] } } });
    }
  });

  it('refuses a note on a contact erased since crm-service answered, and puts one on a merged contact on the survivor', async () => {
    const { admin, contactId } = tenant();
    const purged = envelopeOf(Events.crm.contactsPurged, admin.tenantId, { contact_ids: [contactId], unlinked_deal_ids: [] });
    await kit.deliver(kit.crmTimeline, kit.crmTimeline.onContactsPurged, purged);
    expect(await domainError(kit.activities.create(admin, { type: 'note', body: 'x', contact_id: contactId }))).toMatchObject({
      status: 400,
      details: { fields: { contact_id: ['no such contact'] } },
    });

    const merged = kit.records.add(admin, 'contact_id');
    const survivor = kit.records.add(admin, 'contact_id');
    await kit.deliver(kit.crmTimeline, kit.crmTimeline.onContactMerged, envelopeOf(Events.crm.contactMerged, admin.tenantId, { merged_id: merged, survivor_id: survivor, contact: {} as never }));
    expect((await kit.activities.create(admin, { type: 'note', body: 'x', contact_id: merged })).contact_id).toBe(survivor);
    const note = await kit.activities.create(admin, { type: 'note', body: 'y' });
    expect((await kit.activities.update(admin, { id: note.id, contact_id: merged })).contact_id).toBe(survivor);
  });

  describe('ownership', () => {
    it('lets reps change and delete only what they wrote; managers and admins anything', async () => {
      const { admin, contactId } = tenant();
      const rep = kit.as(admin, 'rep');
      const otherRep = kit.as(admin, 'rep');
      const manager = kit.as(admin, 'manager');
      const mine = await kit.activities.create(rep, { type: 'note', contact_id: contactId, body: 'mine' });

      expect((await kit.activities.update(rep, { id: mine.id, body: 'mine, edited' })).body).toBe('mine, edited');
      expect(await domainError(kit.activities.update(otherRep, { id: mine.id, body: 'hijack' }))).toMatchObject({ status: 403 });
      expect(await domainError(kit.activities.delete(otherRep, { id: mine.id }))).toMatchObject({ status: 403 });
      // Reading is open to every role.
      expect((await kit.activities.get(otherRep, mine.id)).body).toBe('mine, edited');
      expect((await kit.activities.update(manager, { id: mine.id, subject: 'reviewed' })).subject).toBe('reviewed');
      await kit.activities.delete(admin, { id: mine.id });
      expect(await domainError(kit.activities.get(rep, mine.id))).toMatchObject({ status: 404 });
      expect((await eventsOf(admin, Events.activity.activityDeleted.subject)).map((e) => e.envelope.payload)).toEqual([
        { activity_id: mine.id, type: 'note', contact_id: contactId, deal_id: null, company_id: null },
      ]);
    });

    it('lets a rep tick off a task assigned to them, but not delete it', async () => {
      const { admin } = tenant();
      const rep = kit.as(admin, 'rep');
      const task = await kit.activities.create(admin, { type: 'task', body: 'Follow up', assignee_id: rep.userId! });
      expect((await kit.activities.update(rep, { id: task.id, done: true })).done).toBe(true);
      expect(await domainError(kit.activities.delete(rep, { id: task.id }))).toMatchObject({ status: 403 });
    });

    it('keeps calls, texts and stage changes read-only (422 activity_read_only)', async () => {
      const { admin, contactId } = tenant();
      const payload: CallCompletedEvent = {
        call_id: randomUUID(),
        contact_id: contactId,
        owner_id: admin.userId!,
        to: '+14155550100',
        outcome: 'completed',
        duration_s: 5,
        disposition: null,
        has_recording: false,
        ended_at: new Date().toISOString(),
      };
      await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onCallCompleted, envelopeOf(Events.telephony.callCompleted, admin.tenantId, payload));
      const [recorded] = (await kit.activities.list(admin, { contact_id: contactId })).data;
      expect(await domainError(kit.activities.update(admin, { id: recorded.id, body: 'x' }))).toMatchObject({ status: 422, code: 'activity_read_only' });
      expect(await domainError(kit.activities.delete(admin, { id: recorded.id }))).toMatchObject({ status: 422, code: 'activity_read_only' });
    });
  });

  it('answers 412 to an edit or delete made against an older version', async () => {
    const { admin } = tenant();
    const note = await kit.activities.create(admin, { type: 'note', body: 'v1' });
    const edited = await kit.activities.update(admin, { id: note.id, body: 'v2', if_match: 1 });
    expect(edited.version).toBe(2);
    expect(await domainError(kit.activities.update(admin, { id: note.id, body: 'v2 elsewhere', if_match: 1 }))).toMatchObject({
      status: 412,
      details: { current_version: 2 },
    });
    expect(await domainError(kit.activities.delete(admin, { id: note.id, if_match: 1 }))).toMatchObject({ status: 412 });
    expect((await kit.activities.get(admin, note.id)).body).toBe('v2');
    await kit.activities.delete(admin, { id: note.id, if_match: 2 });
  });

  it('lets only one of two concurrent edits at the same version through', async () => {
    const { admin } = tenant();
    const note = await kit.activities.create(admin, { type: 'note', body: 'v1' });
    const results = await Promise.allSettled([1, 2].map((n) => kit.activities.update(admin, { id: note.id, body: `edit ${n}`, if_match: 1 })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as { status: number }).status).toBe(412);
  });

  it('answers 404 for another tenant’s activity, whatever the verb', async () => {
    const { admin } = tenant();
    const note = await kit.activities.create(admin, { type: 'note', body: 'private' });
    const stranger = kit.newTenant('admin');
    expect(await domainError(kit.activities.get(stranger, note.id))).toMatchObject({ status: 404 });
    expect(await domainError(kit.activities.update(stranger, { id: note.id, body: 'x' }))).toMatchObject({ status: 404 });
    expect(await domainError(kit.activities.delete(stranger, { id: note.id }))).toMatchObject({ status: 404 });
    expect((await kit.activities.list(stranger, {})).data).toEqual([]);
    expect((await kit.activities.get(admin, note.id)).body).toBe('private');
  });

  describe('@mentions', () => {
    it('announces a mention for each distinct active user of the tenant, and keeps the others as text', async () => {
      const { admin, contactId } = tenant();
      const colleague = kit.as(admin, 'rep');
      const manager = kit.as(admin, 'manager');
      const deactivated = kit.as(admin, 'rep');
      kit.users.deactivate(deactivated.userId!);
      const stranger = kit.newTenant();
      const unknown = randomUUID();
      const body = `Ask <@${colleague.userId}> and <@${manager.userId!.toUpperCase()}>, not <@${stranger.userId}>, <@${unknown}> or <@${deactivated.userId}>; cc <@${colleague.userId}> <@${admin.userId}>`;

      const note = await kit.activities.create(admin, { type: 'note', contact_id: contactId, body });
      expect(note.body).toBe(body);
      expect(note.payload.mentions).toEqual([colleague.userId, manager.userId, admin.userId]);
      const mentions = await eventsOf(admin, Events.activity.mentionCreated.subject);
      // The author mentioning themselves is not told about it.
      expect(mentions.map((e) => e.envelope.payload.mentioned_user_id)).toEqual([colleague.userId, manager.userId]);
      expect(mentions[0].envelope).toMatchObject({
        aggregate_id: note.id,
        payload: { activity_id: note.id, activity_type: 'note', author_id: admin.userId, contact_id: contactId, excerpt: expect.stringContaining('Ask <@') },
      });
      // Nothing reaches the other tenant.
      expect(await kit.events(stranger.tenantId)).toEqual([]);
    });

    it('announces only mentions an edit adds', async () => {
      const { admin } = tenant();
      const [a, b] = [kit.as(admin, 'rep'), kit.as(admin, 'rep')];
      const note = await kit.activities.create(admin, { type: 'note', body: `hi <@${a.userId}>` });
      await kit.activities.update(admin, { id: note.id, body: `hi <@${a.userId}> and <@${b.userId}>` });
      await kit.activities.update(admin, { id: note.id, subject: 'no body change' });
      const mentions = await eventsOf(admin, Events.activity.mentionCreated.subject);
      expect(mentions.map((e) => e.envelope.payload.mentioned_user_id)).toEqual([a.userId, b.userId]);
      const updates = await eventsOf(admin, Events.activity.activityUpdated.subject);
      expect(updates.map((e) => e.envelope.payload.changed)).toEqual([['body'], ['subject']]);
      expect((await kit.activities.get(admin, note.id)).payload.mentions).toEqual([a.userId, b.userId]);
    });

    it('refuses a body mentioning more than 50 people', async () => {
      const { admin } = tenant();
      const body = Array.from({ length: 51 }, () => `<@${randomUUID()}>`).join(' ');
      expect(await domainError(kit.activities.create(admin, { type: 'note', body }))).toMatchObject({ status: 400, details: { fields: { body: [expect.any(String)] } } });
    });
  });

  describe('timeline lists', () => {
    it('lists newest first with filters and keyset pages that neither repeat nor skip', async () => {
      const { admin, contactId, dealId } = tenant();
      const written: ActivityView[] = [];
      for (let i = 0; i < 7; i++) {
        written.push(
          await kit.activities.create(admin, {
            type: i % 2 === 0 ? 'note' : 'meeting',
            contact_id: contactId,
            deal_id: i < 3 ? dealId : undefined,
            body: `entry ${i}`,
            // Two share a time: the id breaks the tie.
            occurred_at: `2026-03-0${Math.min(i, 5) + 1}T10:00:00Z`,
          }),
        );
      }
      await kit.activities.create(admin, { type: 'note', body: 'elsewhere' });

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await kit.activities.list(admin, { contact_id: contactId, limit: 3, cursor });
        seen.push(...page.data.map((a) => a.id));
        cursor = page.page.next_cursor ?? undefined;
        expect(page.page.has_more).toBe(cursor !== undefined);
      } while (cursor);
      const expected = [...written].sort((x, y) => (x.occurred_at === y.occurred_at ? (x.id < y.id ? 1 : -1) : x.occurred_at < y.occurred_at ? 1 : -1)).map((a) => a.id);
      expect(seen).toEqual(expected);

      expect((await kit.activities.list(admin, { deal_id: dealId })).data.map((a) => a.body)).toEqual(['entry 2', 'entry 1', 'entry 0']);
      expect((await kit.activities.list(admin, { contact_id: contactId, type: 'meeting' })).data.map((a) => a.body)).toEqual(['entry 5', 'entry 3', 'entry 1']);
      expect((await kit.activities.list(admin, {})).data).toHaveLength(8);
    });

    it('answers 400 to a cursor that is forged or made for another list', async () => {
      const { admin } = tenant();
      for (const cursor of ['not-a-cursor!', Buffer.from('{"s":"-occurred_at","v":"yesterday","id":"x"}').toString('base64url'), Buffer.from('{"s":"name","v":"a","id":"0194f1c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f"}').toString('base64url')]) {
        expect(await domainError(kit.activities.list(admin, { cursor }))).toMatchObject({ status: 400 });
      }
    });
  });
});
