import { randomInt, randomUUID } from 'node:crypto';
import { api, newTenant, newUser, type TenantSession, zoneAtLocalHour } from '@engage/testing';

/**
 * The activity timeline through the gateway: calls, texts and deal stage changes arrive from
 * telephony-service's and crm-service's events, once each; notes are written, edited and deleted
 * with ownership and If-Match; a merge moves a contact's timeline; tenants stay apart.
 */
jest.setTimeout(120_000);

type Activity = {
  id: string;
  type: string;
  contact_id: string | null;
  deal_id: string | null;
  actor_id: string | null;
  subject: string | null;
  body: string | null;
  payload: Record<string, unknown>;
  source_event_id: string | null;
  version: number;
};
type Page<T> = { data: T[]; page: { next_cursor: string | null; has_more: boolean } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A 415 number of its own for each test (the development national list leaves these clear; the last four are no scripted outcome). */
const freshNumber = () => `+1415${randomInt(200, 1000)}${randomInt(1000, 9000)}`;

describe('activity timeline through the gateway', () => {
  let tenant: TenantSession;
  let other: TenantSession;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([newTenant('Timeline'), newTenant('TimelineOther')]);
  });

  async function contact(session = tenant, phone?: string): Promise<string> {
    const body = phone ? { first_name: 'Pat', phones: [{ number: phone, is_primary: true }], timezone: zoneAtLocalHour(12) } : { first_name: 'Pat', last_name: randomUUID() };
    const res = await api<{ id: string }>('/v1/contacts', { token: session.accessToken, body });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const timeline = async (filter: string, session = tenant): Promise<Activity[]> => {
    const res = await api<Page<Activity>>(`/v1/activities?${filter}&limit=200`, { token: session.accessToken });
    expect(res.status).toBe(200);
    return res.body.data;
  };

  /** Polls a timeline until `done` holds (events travel through the outbox relay and JetStream). */
  async function until(filter: string, done: (activities: Activity[]) => boolean, what: string): Promise<Activity[]> {
    let last: Activity[] = [];
    for (let i = 0; i < 150; i++) {
      last = await timeline(filter);
      if (done(last)) return last;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}; timeline: ${JSON.stringify(last.map((a) => [a.type, a.subject]))}`);
  }

  it('puts a completed call and a text on the contact’s timeline, once each', async () => {
    const t = tenant.accessToken;
    const phone = freshNumber();
    const contactId = await contact(tenant, phone);
    for (const type of ['call', 'sms']) {
      expect((await api('/v1/consents', { token: t, body: { phone, type, status: 'granted', source: 'web_form' } })).status).toBe(201);
    }
    const placed = await api<{ id: string; status: string }>('/v1/calls', { token: t, body: { contact_id: contactId, rep_phone: '+14155553000' } });
    expect(placed.status).toBe(201);
    const texted = await api<{ id: string }>('/v1/sms', { token: t, body: { contact_id: contactId, body: 'Thanks for the call!' } });
    expect(texted.status).toBe(201);

    const entries = await until(`contact_id=${contactId}`, (a) => a.some((x) => x.type === 'call') && a.some((x) => x.type === 'sms'), 'the call and the text');
    // Give duplicates (redelivery, a second publish) time to show up: none may.
    await sleep(1500);
    const settled = await timeline(`contact_id=${contactId}`);
    expect(settled.map((a) => a.id).sort()).toEqual(entries.map((a) => a.id).sort());
    const calls = settled.filter((a) => a.type === 'call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ contact_id: contactId, actor_id: tenant.userId, subject: 'Call completed', payload: { call_id: placed.body.id, outcome: 'completed' } });
    const texts = settled.filter((a) => a.type === 'sms');
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ body: 'Thanks for the call!', payload: { sms_id: texted.body.id, direction: 'outbound' } });
    expect((await timeline(`contact_id=${contactId}&type=call`)).map((a) => a.id)).toEqual([calls[0].id]);

    // Recorded activities are read-only.
    const edit = await api(`/v1/activities/${calls[0].id}`, { method: 'PATCH', token: t, body: { body: 'x' } });
    expect(edit).toMatchObject({ status: 422, body: { error: 'activity_read_only' } });
  });

  it('puts each stage change of a deal on the deal’s and its contact’s timelines once', async () => {
    const t = tenant.accessToken;
    const contactId = await contact();
    const deal = await api<{ id: string }>('/v1/deals', { token: t, body: { name: 'Timeline deal', contact_id: contactId } });
    expect(deal.status).toBe(201);
    expect((await api(`/v1/deals/${deal.body.id}`, { method: 'PATCH', token: t, body: { stage: 'proposal' } })).status).toBe(200);

    await until(`deal_id=${deal.body.id}`, (a) => a.length >= 2, 'two stage changes');
    await sleep(1500);
    const onDeal = await timeline(`deal_id=${deal.body.id}`);
    expect(onDeal.map((a) => [a.type, a.subject])).toEqual([
      ['deal_stage_changed', 'Deal moved from lead to proposal'],
      ['deal_stage_changed', 'Deal created in stage lead'],
    ]);
    expect(onDeal[0]).toMatchObject({ contact_id: contactId, actor_id: tenant.userId, payload: { from_stage: 'lead', to_stage: 'proposal', deal_name: 'Timeline deal' } });
    expect((await timeline(`contact_id=${contactId}&type=deal_stage_changed`)).map((a) => a.id)).toEqual(onDeal.map((a) => a.id));
  });

  it('writes, edits and deletes notes with ownership and If-Match', async () => {
    const t = tenant.accessToken;
    const contactId = await contact();
    const rep = await newUser(tenant, 'rep');

    const created = await api<Activity>('/v1/activities', { token: t, body: { type: 'note', contact_id: contactId, body: `Pricing agreed, <@${rep.id}> sends the contract` } });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({ type: 'note', contact_id: contactId, actor_id: tenant.userId, source_event_id: null, payload: { mentions: [rep.id] } });
    const id = created.body.id;
    expect((await timeline(`contact_id=${contactId}`)).map((a) => a.id)).toEqual([id]);

    const fetched = await api<Activity>(`/v1/activities/${id}`, { token: rep.accessToken });
    expect(fetched).toMatchObject({ status: 200, body: { id } });
    expect(fetched.headers.get('etag')).toBe('"1"');

    const edited = await api<Activity>(`/v1/activities/${id}`, { method: 'PATCH', token: t, body: { body: 'Pricing agreed.' }, headers: { 'if-match': '"1"' } });
    expect(edited).toMatchObject({ status: 200, body: { body: 'Pricing agreed.', version: 2 } });
    expect(edited.headers.get('etag')).toBe('"2"');
    expect((await api(`/v1/activities/${id}`, { method: 'PATCH', token: t, body: { body: 'stale' }, headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await api(`/v1/activities/${id}`, { method: 'PATCH', token: t, body: { body: 'x' }, headers: { 'if-match': 'garbage' } })).status).toBe(400);
    expect((await api(`/v1/activities/${id}`, { method: 'PATCH', token: rep.accessToken, body: { body: 'not mine' } })).status).toBe(403);
    expect((await api(`/v1/activities/${id}`, { method: 'DELETE', token: rep.accessToken })).status).toBe(403);

    const task = await api<Activity>('/v1/activities', { token: rep.accessToken, body: { type: 'task', contact_id: contactId, body: 'Send contract', due_at: '2030-01-15T09:00:00Z' } });
    expect(task).toMatchObject({ status: 201, body: { done: false, assignee_id: null } });
    expect((await api(`/v1/activities/${task.body.id}`, { method: 'PATCH', token: rep.accessToken, body: { done: true } })).body).toMatchObject({ done: true });
    expect((await api(`/v1/activities/${task.body.id}`, { method: 'DELETE', token: rep.accessToken })).status).toBe(204);
    expect((await api(`/v1/activities/${task.body.id}`, { token: t })).status).toBe(404);
    expect((await api(`/v1/activities/${id}`, { method: 'DELETE', token: t, headers: { 'if-match': '"2"' } })).status).toBe(204);
  });

  it('moves a merged contact’s timeline to the survivor', async () => {
    const t = tenant.accessToken;
    const survivor = await contact();
    const merged = await contact();
    const note = await api<Activity>('/v1/activities', { token: t, body: { type: 'note', contact_id: merged, body: 'Met at the trade fair' } });
    expect(note.status).toBe(201);
    const deal = await api<{ id: string }>('/v1/deals', { token: t, body: { name: 'Merged deal', contact_id: merged } });
    await until(`contact_id=${merged}`, (a) => a.length === 2, 'the note and the deal’s first stage');

    expect((await api(`/v1/contacts/${survivor}/merge`, { token: t, body: { other_id: merged } })).status).toBe(200);
    const moved = await until(`contact_id=${survivor}`, (a) => a.length === 2, 'the merged timeline on the survivor');
    expect(moved.map((a) => a.type).sort()).toEqual(['deal_stage_changed', 'note']);
    expect(await timeline(`contact_id=${merged}`)).toEqual([]);
    // The deal moved with the merge, and its next stage change lands on the survivor.
    expect((await api(`/v1/deals/${deal.body.id}`, { method: 'PATCH', token: t, body: { stage: 'qualified' } })).status).toBe(200);
    await until(`contact_id=${survivor}`, (a) => a.length === 3, 'the next stage change on the survivor');
    // A note on the merged contact is now refused: crm-service no longer has it.
    const late = await api('/v1/activities', { token: t, body: { type: 'note', contact_id: merged, body: 'too late' } });
    expect(late).toMatchObject({ status: 400, body: { error: 'validation_failed', details: { fields: { contact_id: ['no such contact'] } } } });
  });

  it('answers 404 for another tenant’s activity and keeps its timelines apart', async () => {
    const contactId = await contact();
    const note = await api<Activity>('/v1/activities', { token: tenant.accessToken, body: { type: 'note', contact_id: contactId, body: 'ours' } });
    const o = other.accessToken;
    expect((await api(`/v1/activities/${note.body.id}`, { token: o })).status).toBe(404);
    expect((await api(`/v1/activities/${note.body.id}`, { method: 'PATCH', token: o, body: { body: 'theirs' } })).status).toBe(404);
    expect((await api(`/v1/activities/${note.body.id}`, { method: 'DELETE', token: o })).status).toBe(404);
    expect(await timeline(`contact_id=${contactId}`, other)).toEqual([]);
    // Another tenant's contact is no contact here.
    const refused = await api('/v1/activities', { token: o, body: { type: 'note', contact_id: contactId, body: 'x' } });
    expect(refused).toMatchObject({ status: 400, body: { details: { fields: { contact_id: ['no such contact'] } } } });
    expect((await api(`/v1/activities/${note.body.id}`, { token: tenant.accessToken })).body).toMatchObject({ body: 'ours' });
  });

  it('answers 400 to bad input and 401 without a token, never 500', async () => {
    const t = tenant.accessToken;
    for (const body of [
      { type: 'note', body: 'x'.repeat(10_001) },
      { type: 'note', body: '' },
      { type: 'call', body: 'x' },
      { type: 'note', body: 'x', contact_id: 'not-an-id' },
      { type: 'note', body: 'x', deal_id: randomUUID() },
      { type: 'note', body: 'x', company_id: randomUUID() },
      { type: 'note', body: 'x', due_at: '2030-01-01T00:00:00Z' },
      { type: 'task', body: 'x', due_at: 'tomorrow' },
      { type: 'task', body: 'x', assignee_id: randomUUID() },
      { type: 'note', body: 'x', owner_id: randomUUID() },
      { type: 'note', body: 'x', constructor: { a: 1 } },
    ]) {
      expect({ body, status: (await api('/v1/activities', { token: t, body })).status }).toEqual({ body, status: 400 });
    }
    for (const query of ['contact_id=nope', 'type=fax', 'limit=0', 'limit=201', 'cursor=%21%21', `cursor=${Buffer.from('{"s":"x"}').toString('base64url')}`]) {
      expect({ query, status: (await api(`/v1/activities?${query}`, { token: t })).status }).toEqual({ query, status: 400 });
    }
    expect((await api('/v1/activities/not-an-id', { token: t })).status).toBe(400);
    expect((await api(`/v1/activities/${randomUUID()}`, { token: t })).status).toBe(404);
    expect((await api('/v1/activities', { rawBody: '{"type":', token: t, headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await api('/v1/activities')).status).toBe(401);
    expect((await api('/v1/activities', { body: { type: 'note', body: 'x' } })).status).toBe(401);
  });
});
