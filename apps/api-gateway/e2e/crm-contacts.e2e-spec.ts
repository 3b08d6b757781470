import { randomUUID } from 'node:crypto';
import { api, newTenant, newUser, type TenantSession } from '@engage/testing';

/** Contacts through the gateway: CRUD, ETag/If-Match, ownership per role, tenancy, search, pagination, duplicates and merge. */
jest.setTimeout(60_000);

type Contact = { id: string; version: number; owner_id: string; first_name: string; emails: string[]; phones: Array<{ number: string }>; timezone: string | null };
type Page<T> = { data: T[]; page: { next_cursor: string | null; has_more: boolean } };

const create = (token: string, body: Record<string, unknown>, query = '') => api<Contact>(`/v1/contacts${query}`, { token, body });

describe('contacts', () => {
  let tenant: TenantSession;
  let other: TenantSession;
  beforeAll(async () => {
    [tenant, other] = await Promise.all([newTenant('CrmA'), newTenant('CrmB')]);
  });

  it('creates a contact with an E.164 phone, returns its ETag, and reads it back', async () => {
    const res = await create(tenant.accessToken, { first_name: 'Ada', emails: ['ada@e2e.test'], phones: [{ number: '(415) 555-0100', country: 'US' }] });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({ phones: [{ number: '+14155550100', is_primary: true }], timezone: 'America/Los_Angeles', owner_id: tenant.userId });
    const read = await api<Contact>(`/v1/contacts/${res.body.id}`, { token: tenant.accessToken });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body).toEqual(res.body);
  });

  it('runs a create once per Idempotency-Key: a retry gets the first answer, another body with the key is refused', async () => {
    const key = randomUUID();
    const body = { first_name: 'Once', emails: [`once-${key}@e2e.test`] };
    const first = await api<Contact>('/v1/contacts', { token: tenant.accessToken, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await api<Contact>('/v1/contacts', { token: tenant.accessToken, body, headers: { 'idempotency-key': key } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('etag')).toBe('"1"');
    expect(retry.body).toEqual(first.body);
    const found = await api<Page<Contact>>(`/v1/contacts?q=${encodeURIComponent(`once-${key}@e2e.test`)}`, { token: tenant.accessToken });
    expect(found.body.data.map((c) => c.id)).toEqual([first.body.id]);

    const reused = await api<{ error: string }>('/v1/contacts', { token: tenant.accessToken, body: { first_name: 'Other' }, headers: { 'idempotency-key': key } });
    expect(reused).toMatchObject({ status: 422, body: { error: 'idempotency_key_reused' } });
    // Keys belong to their caller: another tenant's request with the same key runs on its own.
    const elsewhere = await api<Contact>('/v1/contacts', { token: other.accessToken, body, headers: { 'idempotency-key': key } });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.id).not.toBe(first.body.id);
    // A failed request keeps nothing: fixed and sent again with the same key, it runs.
    const badKey = randomUUID();
    expect((await api('/v1/contacts', { token: tenant.accessToken, body: { first_name: 42 }, headers: { 'idempotency-key': badKey } })).status).toBe(400);
    const fixed = await api<Contact>('/v1/contacts', { token: tenant.accessToken, body: { first_name: 'Fixed' }, headers: { 'idempotency-key': badKey } });
    expect(fixed.status).toBe(201);
    expect((await api('/v1/contacts', { token: tenant.accessToken, body, headers: { 'idempotency-key': 'has space' } })).status).toBe(400);
  });

  it('answers 400 with the field named for bad input, and never a 500', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first_name: 'x', phones: [{ number: '12' }] }, 'phones.0.number'],
      [{ first_name: 'x'.repeat(10_001) }, 'first_name'],
      [{ first_name: 'x'.repeat(201) }, 'first_name'],
      [{ first_name: 42 }, 'first_name'],
      [{ first_name: 'a\u0000b' }, 'first_name'],
      [{ emails: ['not-an-email'] }, 'emails'],
      [{ first_name: 'x', lead_score: -1 }, 'lead_score'],
      [{ first_name: 'x', lifecycle_stage: 'vip' }, 'lifecycle_stage'],
      [{ first_name: 'x', unknown_field: 1 }, 'unknown_field'],
      [{ first_name: 'x', timezone: 'Mars/Olympus' }, 'timezone'],
      [{ first_name: 'x', company_id: 'not-a-uuid' }, 'company_id'],
      [{}, 'first_name'],
    ];
    for (const [body, field] of cases) {
      const res = await create(tenant.accessToken, body);
      expect({ field, status: res.status, error: (res.body as unknown as { error: string }).error }).toEqual({ field, status: 400, error: 'validation_failed' });
      expect(Object.keys((res.body as unknown as { details: { fields: object } }).details.fields).join(',')).toContain(field);
    }
    const malformed = await api('/v1/contacts', { token: tenant.accessToken, rawBody: '{"first_name": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect((await api(`/v1/contacts/not-a-uuid`, { token: tenant.accessToken })).status).toBe(400);
    for (const query of ['limit=0', 'limit=201', 'limit=-5', 'limit=abc', 'cursor=%%%', 'cursor=eyJzIjoibmFtZSJ9', 'sort=shoe', 'updated_since=yesterday', 'owner_id=1']) {
      const res = await api(`/v1/contacts?${query}`, { token: tenant.accessToken });
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });

  it('keeps unicode and emoji intact and treats SQL in fields and q as text', async () => {
    const res = await create(tenant.accessToken, { first_name: "Robert'); DROP TABLE crm.contacts;--", last_name: 'Zoë 🚀 山田' });
    expect(res.status).toBe(201);
    expect((await api<Contact>(`/v1/contacts/${res.body.id}`, { token: tenant.accessToken })).body).toMatchObject({ last_name: 'Zoë 🚀 山田' });
    const search = await api<Page<Contact>>(`/v1/contacts?q=${encodeURIComponent("' OR 1=1 --")}`, { token: tenant.accessToken });
    expect(search.status).toBe(200);
    expect(search.body.data).toEqual([]);
  });

  it('answers 412 to a PATCH with a stale If-Match and 200 with a fresh one', async () => {
    const { body: contact } = await create(tenant.accessToken, { first_name: 'Etag' });
    const fresh = await api<Contact>(`/v1/contacts/${contact.id}`, { method: 'PATCH', token: tenant.accessToken, body: { title: 'CTO' }, headers: { 'if-match': '"1"' } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"2"');
    const stale = await api(`/v1/contacts/${contact.id}`, { method: 'PATCH', token: tenant.accessToken, body: { title: 'CEO' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: 'precondition_failed' });
    const staleDelete = await api(`/v1/contacts/${contact.id}`, { method: 'DELETE', token: tenant.accessToken, headers: { 'if-match': '"1"' } });
    expect(staleDelete.status).toBe(412);
    const badPatch = await api(`/v1/contacts/${contact.id}`, { method: 'PATCH', token: tenant.accessToken, body: { lead_score: 'high' } });
    expect(badPatch.status).toBe(400);
  });

  it('answers 404 for every operation on another tenant’s contact', async () => {
    const { body: theirs } = await create(other.accessToken, { first_name: 'Theirs' });
    const { body: mine } = await create(tenant.accessToken, { first_name: 'Mine' });
    const t = tenant.accessToken;
    const responses = await Promise.all([
      api(`/v1/contacts/${theirs.id}`, { token: t }),
      api(`/v1/contacts/${theirs.id}`, { method: 'PATCH', token: t, body: { title: 'x' } }),
      api(`/v1/contacts/${theirs.id}`, { method: 'DELETE', token: t }),
      api(`/v1/contacts/${theirs.id}/restore`, { method: 'POST', token: t }),
      api(`/v1/contacts/${mine.id}/merge`, { token: t, body: { other_id: theirs.id } }),
      api(`/v1/contacts/${randomUUID()}`, { token: t }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(responses[0].body).toMatchObject({ error: 'not_found' });
    expect((await api(`/v1/contacts?owner_id=${other.userId}`, { token: t })).body).toMatchObject({ data: [] });
  });

  it('lets reps edit and delete only their own contacts; only managers and admins reassign owners', async () => {
    const [rep, rep2, manager] = await Promise.all([newUser(tenant, 'rep'), newUser(tenant, 'rep'), newUser(tenant, 'manager')]);
    const { body: repsContact } = await create(rep.accessToken, { first_name: 'Rep owned' });
    const { body: adminsContact } = await create(tenant.accessToken, { first_name: 'Admin owned' });
    expect(repsContact.owner_id).toBe(rep.id);

    expect((await api(`/v1/contacts/${adminsContact.id}`, { token: rep.accessToken })).status).toBe(200);
    expect((await api(`/v1/contacts/${repsContact.id}`, { method: 'PATCH', token: rep.accessToken, body: { title: 'ok' } })).status).toBe(200);
    expect((await api(`/v1/contacts/${adminsContact.id}`, { method: 'PATCH', token: rep.accessToken, body: { title: 'no' } })).status).toBe(403);
    expect((await api(`/v1/contacts/${adminsContact.id}`, { method: 'DELETE', token: rep.accessToken })).status).toBe(403);
    expect((await api(`/v1/contacts/${repsContact.id}`, { method: 'PATCH', token: rep.accessToken, body: { owner_id: rep2.id } })).status).toBe(403);
    expect((await create(rep.accessToken, { first_name: 'For rep2', owner_id: rep2.id })).status).toBe(403);
    expect((await api(`/v1/contacts/${repsContact.id}`, { method: 'PATCH', token: rep2.accessToken, body: { title: 'no' } })).status).toBe(403);

    const reassigned = await api<Contact>(`/v1/contacts/${repsContact.id}`, { method: 'PATCH', token: manager.accessToken, body: { owner_id: rep2.id } });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body.owner_id).toBe(rep2.id);
    expect((await api(`/v1/contacts/${repsContact.id}`, { method: 'PATCH', token: rep2.accessToken, body: { title: 'mine now' } })).status).toBe(200);
    // The new owner must be a user of this tenant (user-service answers who exists).
    const stranger = await api(`/v1/contacts/${repsContact.id}`, { method: 'PATCH', token: manager.accessToken, body: { owner_id: other.userId } });
    expect(stranger.status).toBe(400);
    expect(stranger.body).toMatchObject({ error: 'validation_failed', details: { fields: { owner_id: ['no user of this tenant has this id'] } } });
    expect((await api(`/v1/contacts/${adminsContact.id}`, { method: 'DELETE', token: manager.accessToken })).status).toBe(204);
    expect((await api('/v1/contacts')).status).toBe(401);
  });

  it('soft-deletes and restores a contact', async () => {
    const { body: contact } = await create(tenant.accessToken, { first_name: 'Deleted', emails: ['deleted@e2e.test'] });
    expect((await api(`/v1/contacts/${contact.id}`, { method: 'DELETE', token: tenant.accessToken })).status).toBe(204);
    expect((await api(`/v1/contacts/${contact.id}`, { token: tenant.accessToken })).status).toBe(404);
    const trash = await api<Page<Contact>>('/v1/contacts?deleted=true', { token: tenant.accessToken });
    expect(trash.body.data.map((c) => c.id)).toContain(contact.id);
    const restored = await api<Contact>(`/v1/contacts/${contact.id}/restore`, { method: 'POST', token: tenant.accessToken });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id: contact.id, version: 3 });
    expect((await api(`/v1/contacts/not-a-uuid/restore`, { method: 'POST', token: tenant.accessToken })).status).toBe(400);
    const rep = await newUser(tenant, 'rep');
    await api(`/v1/contacts/${contact.id}`, { method: 'DELETE', token: tenant.accessToken });
    expect((await api(`/v1/contacts/${contact.id}/restore`, { method: 'POST', token: rep.accessToken })).status).toBe(403);
  });

  it('answers 409 duplicate with the existing id, allows it on request, and merges the two', async () => {
    const own = await newTenant('Dup');
    const t = own.accessToken;
    const { body: first } = await create(t, { first_name: 'Dana', emails: ['dana@e2e.test'], phones: [{ number: '+442071838750' }] });
    const dup = await create(t, { first_name: 'Dana 2', emails: ['DANA@e2e.test'] });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: 'duplicate', details: { existing_id: first.id } });
    const byPhone = await create(t, { first_name: 'Dana 3', phones: [{ number: '020 7183 8750', country: 'GB' }] });
    expect(byPhone.body).toMatchObject({ error: 'duplicate', details: { existing_id: first.id } });
    const second = await create(t, { first_name: 'Dana', last_name: 'Scully', emails: ['dana@e2e.test', 'scully@e2e.test'] }, '?allow_duplicate=true');
    expect(second.status).toBe(201);
    expect((await create(t, { first_name: 'x' }, '?allow_duplicate=maybe')).status).toBe(400);

    const deal = await api<{ id: string }>('/v1/deals', { token: t, body: { name: 'Dana deal', contact_id: second.body.id } });
    const merged = await api<Contact & { last_name: string }>(`/v1/contacts/${first.id}/merge`, { token: t, body: { other_id: second.body.id } });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: first.id, last_name: 'Scully', emails: ['dana@e2e.test', 'scully@e2e.test'] });
    expect((await api(`/v1/contacts/${second.body.id}`, { token: t })).status).toBe(404);
    expect((await api<{ contact_id: string }>(`/v1/deals/${deal.body.id}`, { token: t })).body.contact_id).toBe(first.id);
    expect((await api(`/v1/contacts/${first.id}/merge`, { token: t, body: { other_id: 'nope' } })).status).toBe(400);
    expect((await api(`/v1/contacts/${first.id}/merge`, { token: t, body: { other_id: first.id } })).status).toBe(400);
    const rep = await newUser(own, 'rep');
    const { body: another } = await create(t, { first_name: 'Another' });
    expect((await api(`/v1/contacts/${first.id}/merge`, { token: rep.accessToken, body: { other_id: another.id } })).status).toBe(403);
  });

  it('finds contacts despite typos ("jon smtih" → John Smith) and combines q with filters', async () => {
    const own = await newTenant('Search');
    const t = own.accessToken;
    const { body: john } = await create(t, { first_name: 'John', last_name: 'Smith', emails: ['jsmith@globex.test'], phones: [{ number: '+16175550123' }], tags: ['vip'] });
    await create(t, { first_name: 'Jane', last_name: 'Doe', tags: ['vip'] });
    await create(t, { first_name: 'John', last_name: 'Appleseed' });
    const ids = async (query: string) => (await api<Page<Contact>>(`/v1/contacts?${query}`, { token: t })).body.data.map((c) => c.id);
    expect(await ids('q=jon%20smtih')).toEqual([john.id]);
    expect(await ids('q=smith&tag=vip')).toEqual([john.id]);
    expect(await ids('q=jsmith')).toEqual([john.id]);
    expect(await ids('q=jsmith%40globex')).toEqual([john.id]);
    expect(await ids('q=617%20555%200123')).toEqual([john.id]);
    expect((await ids('q=john')).length).toBe(2);
  });

  it('pages with a stable cursor while contacts are being created', async () => {
    const own = await newTenant('Pages');
    const t = own.accessToken;
    for (let i = 0; i < 12; i++) await create(t, { first_name: `p${String(i).padStart(2, '0')}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const res: { status: number; body: Page<Contact> } = await api<Page<Contact>>(`/v1/contacts?sort=name&limit=5${cursor ? `&cursor=${cursor}` : ''}`, { token: t });
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((c) => c.first_name));
      cursor = res.body.page.next_cursor;
      // Someone adds contacts while we page: earlier ones sort before the cursor, later ones after.
      await create(t, { first_name: `a-new-${round}` });
      await create(t, { first_name: `z-new-${round++}` });
    } while (cursor);
    const expected = Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    expect(seen.slice(0, 12)).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((n) => n.startsWith('a-new'))).toEqual([]);
  });

  it('exports the filtered list as CSV, formulas defused', async () => {
    const own = await newTenant('Export');
    const t = own.accessToken;
    await create(t, { first_name: '=HYPERLINK("x")', last_name: 'Evil', tags: ['x'] });
    await create(t, { first_name: 'Plain', last_name: 'Person, Jr.', tags: ['x'] });
    await create(t, { first_name: 'Untagged' });
    const res = await api<string>('/v1/contacts/export?tag=x&sort=name', { token: t });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toMatch(/^id,first_name,last_name,emails,phones/);
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines.join('\n')).toContain('"Person, Jr."');
    expect((await api('/v1/contacts/export?limit=0', { token: t })).status).toBe(400);
    expect((await api('/v1/contacts/export')).status).toBe(401);
    const otherTenant = await api<string>('/v1/contacts/export', { token: other.accessToken });
    expect(otherTenant.body).not.toContain('Evil');
  });
});
