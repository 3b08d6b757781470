import { api, newTenant, newUser } from '@engage/testing';

/** The audit trail through the gateway: what the services did lands in a verifiable chain. */
jest.setTimeout(60_000);

type Entry = { seq: number; action: string; entity: string; entity_id: string; actor_id: string | null; changes: Record<string, unknown> };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('audit trail', () => {
  it('records a mixed workload from several services, verifies, and is for admins of the tenant only', async () => {
    const tenant = await newTenant('Audited');
    const t = tenant.accessToken;
    const contact = await api<{ id: string }>('/v1/contacts', { token: t, body: { first_name: 'Ada', title: 'CTO' } });
    expect(contact.status).toBe(201);
    expect((await api(`/v1/contacts/${contact.body.id}`, { method: 'PATCH', token: t, body: { title: 'CEO' }, headers: { 'if-match': '"1"' } })).status).toBe(200);
    const rep = await newUser(tenant, 'rep');
    expect((await api('/v1/dnc', { token: t, body: { phone: '+14155553301', reason: 'asked' } })).status).toBe(201);

    let entries: Entry[] = [];
    for (let i = 0; i < 100; i++) {
      entries = (await api<{ data: Entry[] }>('/v1/audit?limit=200', { token: t })).body.data;
      if (entries.some((e) => e.action === 'contact.updated') && entries.some((e) => e.action === 'user.created')) break;
      await sleep(200);
    }
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['tenant.created', 'contact.created', 'contact.updated', 'user.created']));
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => b - a));
    const updated = entries.find((e) => e.action === 'contact.updated')!;
    expect(updated).toMatchObject({ entity: 'contact', entity_id: contact.body.id, actor_id: tenant.userId, changes: { before: { title: 'CTO' }, after: { title: 'CEO' } } });
    expect(JSON.stringify(entries)).not.toMatch(/"token":"(?!\[redacted\])/);

    const onlyContact = await api<{ data: Entry[] }>(`/v1/audit?entity=contact&entity_id=${contact.body.id}`, { token: t });
    expect(onlyContact.body.data.map((e) => e.action).sort()).toEqual(['contact.created', 'contact.updated']);
    const verified = await api<{ ok: boolean; rows_checked: number; first_broken: unknown }>('/v1/audit/verify', { token: t });
    expect(verified).toMatchObject({ status: 200, body: { ok: true, first_broken: null } });
    expect(verified.body.rows_checked).toBeGreaterThanOrEqual(entries.length);

    expect((await api('/v1/audit', { token: rep.accessToken })).status).toBe(403);
    expect((await api('/v1/audit/verify', { token: rep.accessToken })).status).toBe(403);
    const stranger = await newTenant('Stranger');
    const theirs = await api<{ data: Entry[] }>(`/v1/audit?entity_id=${contact.body.id}`, { token: stranger.accessToken });
    expect(theirs.body.data).toEqual([]);
    for (const bad of ['actor_id=nope', 'since=yesterday', 'entity=Contact!', 'cursor=%%%', 'limit=0', 'extra=1']) {
      expect({ bad, status: (await api(`/v1/audit?${bad}`, { token: t })).status }).toEqual({ bad, status: 400 });
    }
    expect((await api('/v1/audit')).status).toBe(401);
  });
});
