import { api, newTenant, newUser, type TenantSession } from '@engage/testing';

/**
 * One If-Match rule on every conditional write, identity and CRM alike: a malformed header is
 * 400 bad_request and nothing is written; a stale ETag is 412 precondition_failed; the ETag of
 * the last answer makes the write go through.
 */
jest.setTimeout(60_000);

const MALFORMED = ['3', '"abc"', '"0"', '"1", "2"'];

describe('If-Match on every route', () => {
  let tenant: TenantSession;
  beforeAll(async () => {
    tenant = await newTenant('Etag');
  });

  it('PATCH /v1/users/:id: ETag on read, 400 for a malformed If-Match, 412 for a stale one', async () => {
    const rep = await newUser(tenant, 'rep');
    const read = await api<{ version: number; full_name: string }>(`/v1/users/${rep.id}`, { token: tenant.accessToken });
    expect(read.status).toBe(200);
    const etag = read.headers.get('etag');
    expect(etag).toBe(`"${read.body.version}"`);

    for (const bad of MALFORMED) {
      const res = await api(`/v1/users/${rep.id}`, { method: 'PATCH', token: tenant.accessToken, headers: { 'if-match': bad }, body: { full_name: 'Malformed' } });
      expect([bad, res.status, res.body]).toMatchObject([bad, 400, { error: 'bad_request', details: { header: 'If-Match' } }]);
    }
    expect((await api<{ full_name: string }>(`/v1/users/${rep.id}`, { token: tenant.accessToken })).body.full_name).toBe(read.body.full_name);

    const fresh = await api<{ version: number }>(`/v1/users/${rep.id}`, { method: 'PATCH', token: tenant.accessToken, headers: { 'if-match': etag! }, body: { full_name: 'Renamed Rep' } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe(`"${fresh.body.version}"`);
    expect(fresh.body.version).toBe(read.body.version + 1);

    const stale = await api(`/v1/users/${rep.id}`, { method: 'PATCH', token: tenant.accessToken, headers: { 'if-match': etag! }, body: { full_name: 'Too Late' } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: 'precondition_failed' });
    const weak = await api(`/v1/users/${rep.id}`, { method: 'PATCH', token: tenant.accessToken, headers: { 'if-match': `W/${fresh.headers.get('etag')}` }, body: { full_name: 'Weak Match' } });
    expect(weak.status).toBe(200);
  });

  it('lets only one of two concurrent writers holding the same user ETag win', async () => {
    const rep = await newUser(tenant, 'rep');
    const etag = (await api(`/v1/users/${rep.id}`, { token: tenant.accessToken })).headers.get('etag')!;
    const results = await Promise.all(
      ['First', 'Second'].map((name) => api(`/v1/users/${rep.id}`, { method: 'PATCH', token: tenant.accessToken, headers: { 'if-match': etag }, body: { full_name: name } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  });

  it('PATCH /v1/tenant: 400 for a malformed If-Match', async () => {
    for (const bad of MALFORMED) {
      const res = await api('/v1/tenant', { method: 'PATCH', token: tenant.accessToken, headers: { 'if-match': bad }, body: { name: 'Malformed' } });
      expect([bad, res.status, res.body]).toMatchObject([bad, 400, { error: 'bad_request' }]);
    }
  });

  it('CRM writes: 400 for a malformed If-Match (was 412), nothing written; 412 for a stale one', async () => {
    const created = await api<{ id: string }>('/v1/contacts', { token: tenant.accessToken, body: { first_name: 'Etag', last_name: 'Contact' } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (const bad of MALFORMED) {
      const patch = await api(`/v1/contacts/${id}`, { method: 'PATCH', token: tenant.accessToken, headers: { 'if-match': bad }, body: { title: 'Malformed' } });
      expect([bad, patch.status, patch.body]).toMatchObject([bad, 400, { error: 'bad_request' }]);
      const del = await api(`/v1/contacts/${id}`, { method: 'DELETE', token: tenant.accessToken, headers: { 'if-match': bad } });
      expect([bad, del.status]).toEqual([bad, 400]);
    }
    const after = await api<{ version: number; title: string | null }>(`/v1/contacts/${id}`, { token: tenant.accessToken });
    expect(after.status).toBe(200);
    expect(after.body.version).toBe(1);

    const company = await api<{ id: string }>('/v1/companies', { token: tenant.accessToken, body: { name: 'Etag Co' } });
    const badCompany = await api(`/v1/companies/${company.body.id}`, { method: 'PATCH', token: tenant.accessToken, headers: { 'if-match': 'W/1' }, body: { industry: 'x' } });
    expect(badCompany.status).toBe(400);
    const staleCompany = await api(`/v1/companies/${company.body.id}`, { method: 'PATCH', token: tenant.accessToken, headers: { 'if-match': '"7"' }, body: { industry: 'x' } });
    expect(staleCompany.status).toBe(412);
  });
});
