import { randomUUID } from 'node:crypto';
import { api, newTenant, newUser, type TenantSession } from '@engage/testing';

/** Pipelines, deals, companies and custom fields through the gateway. */
jest.setTimeout(60_000);

type Deal = { id: string; stage: string; amount: string | null; version: number; pipeline_id: string; owner_id: string };
type Pipeline = { id: string; is_default: boolean; stages: Array<{ key: string }> };

describe('pipelines and deals', () => {
  let tenant: TenantSession;
  let other: TenantSession;
  beforeAll(async () => {
    [tenant, other] = await Promise.all([newTenant('Deals'), newTenant('DealsOther')]);
  });

  it('gives a new tenant the default pipeline and creates deals in it with exact amounts', async () => {
    const pipelines = await api<{ data: Pipeline[] }>('/v1/pipelines', { token: tenant.accessToken });
    expect(pipelines.status).toBe(200);
    expect(pipelines.body.data[0]).toMatchObject({ is_default: true });
    expect(pipelines.body.data[0].stages.map((s) => s.key)).toEqual(['lead', 'qualified', 'proposal', 'negotiation', 'closed_won', 'closed_lost']);
    const deal = await api<Deal>('/v1/deals', { token: tenant.accessToken, body: { name: 'Exact', amount: '0.10', currency: 'USD' } });
    expect(deal.status).toBe(201);
    expect(deal.headers.get('etag')).toBe('"1"');
    expect(deal.body).toMatchObject({ amount: '0.10', stage: 'lead', pipeline_id: pipelines.body.data[0].id });
  });

  it('records stage changes with who and when', async () => {
    const manager = await newUser(tenant, 'manager');
    const { body: deal } = await api<Deal>('/v1/deals', { token: tenant.accessToken, body: { name: 'Moving' } });
    expect((await api(`/v1/deals/${deal.id}`, { method: 'PATCH', token: manager.accessToken, body: { stage: 'proposal' }, headers: { 'if-match': '"1"' } })).status).toBe(200);
    expect((await api(`/v1/deals/${deal.id}`, { method: 'PATCH', token: manager.accessToken, body: { stage: 'closed_won' }, headers: { 'if-match': '"1"' } })).status).toBe(412);
    const history = await api<{ data: Array<{ from_stage: string | null; to_stage: string; changed_by: string; changed_at: string }> }>(`/v1/deals/${deal.id}/stage-history`, {
      token: tenant.accessToken,
    });
    expect(history.body.data.map((h) => [h.from_stage, h.to_stage, h.changed_by])).toEqual([
      [null, 'lead', tenant.userId],
      ['lead', 'proposal', manager.id],
    ]);
    expect(history.body.data[1].changed_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('answers 400 for bad deal input', async () => {
    const t = tenant.accessToken;
    for (const body of [
      { name: 'x', amount: 12.5 },
      { name: 'x', amount: '1e5' },
      { name: 'x', amount: '12.34567' },
      { name: 'x', currency: 'usd' },
      { name: 'x', stage: 'heaven' },
      { name: 'x', probability: 101 },
      { name: 'x', expected_close_date: '2026-13-01' },
      { name: '' },
      { amount: '1' },
      { name: 'x', contact_id: randomUUID() },
    ]) {
      const res = await api('/v1/deals', { token: t, body });
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    expect((await api('/v1/deals?limit=1000', { token: t })).status).toBe(400);
    expect((await api('/v1/deals/123', { token: t })).status).toBe(400);
    expect((await api('/v1/pipelines', { token: t, body: { name: 'P', stages: [] } })).status).toBe(400);
    expect((await api('/v1/pipelines', { token: t, body: { name: 'P', stages: [{ key: 'a', name: 'A', order: 1, probability: 1 }, { key: 'a', name: 'B', order: 2, probability: 1 }] } })).status).toBe(400);
  });

  it('lets reps edit only their own deals, read pipelines but not change them', async () => {
    const rep = await newUser(tenant, 'rep');
    const { body: adminDeal } = await api<Deal>('/v1/deals', { token: tenant.accessToken, body: { name: 'Admin deal' } });
    const { body: repDeal } = await api<Deal>('/v1/deals', { token: rep.accessToken, body: { name: 'Rep deal' } });
    expect(repDeal.owner_id).toBe(rep.id);
    expect((await api(`/v1/deals/${repDeal.id}`, { method: 'PATCH', token: rep.accessToken, body: { stage: 'qualified' } })).status).toBe(200);
    expect((await api(`/v1/deals/${adminDeal.id}`, { method: 'PATCH', token: rep.accessToken, body: { stage: 'qualified' } })).status).toBe(403);
    expect((await api(`/v1/deals/${adminDeal.id}`, { method: 'DELETE', token: rep.accessToken })).status).toBe(403);
    expect((await api(`/v1/deals/${repDeal.id}`, { method: 'PATCH', token: rep.accessToken, body: { owner_id: tenant.userId } })).status).toBe(403);
    expect((await api('/v1/pipelines', { token: rep.accessToken })).status).toBe(200);
    expect((await api('/v1/pipelines', { token: rep.accessToken, body: { name: 'Mine', stages: [{ key: 'a', name: 'A', order: 1, probability: 1 }] } })).status).toBe(403);
    const { body: pipelines } = await api<{ data: Pipeline[] }>('/v1/pipelines', { token: rep.accessToken });
    expect((await api(`/v1/pipelines/${pipelines.data[0].id}`, { method: 'PATCH', token: rep.accessToken, body: { name: 'x' } })).status).toBe(403);
    expect((await api(`/v1/deals/${repDeal.id}`, { method: 'DELETE', token: rep.accessToken })).status).toBe(204);
  });

  it('answers 404 for another tenant’s deals and pipelines', async () => {
    const { body: theirDeal } = await api<Deal>('/v1/deals', { token: other.accessToken, body: { name: 'Theirs' } });
    const { body: theirPipelines } = await api<{ data: Pipeline[] }>('/v1/pipelines', { token: other.accessToken });
    const t = tenant.accessToken;
    const statuses = await Promise.all([
      api(`/v1/deals/${theirDeal.id}`, { token: t }),
      api(`/v1/deals/${theirDeal.id}`, { method: 'PATCH', token: t, body: { name: 'x' } }),
      api(`/v1/deals/${theirDeal.id}`, { method: 'DELETE', token: t }),
      api(`/v1/deals/${theirDeal.id}/stage-history`, { token: t }),
      api(`/v1/pipelines/${theirPipelines.data[0].id}`, { method: 'PATCH', token: t, body: { name: 'x' } }),
    ]);
    expect(statuses.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    // A body reference to another tenant's pipeline is refused as well.
    expect((await api('/v1/deals', { token: t, body: { name: 'x', pipeline_id: theirPipelines.data[0].id } })).status).toBe(400);
  });

  it('lets managers build pipelines and refuses to drop a stage that still holds deals', async () => {
    const manager = await newUser(tenant, 'manager');
    const created = await api<Pipeline & { version: number }>('/v1/pipelines', {
      token: manager.accessToken,
      body: { name: 'Renewals', stages: [{ key: 'due', name: 'Due', order: 1, probability: 40 }, { key: 'done', name: 'Done', order: 2, probability: 100 }] },
    });
    expect(created.status).toBe(201);
    await api('/v1/deals', { token: manager.accessToken, body: { name: 'R1', pipeline_id: created.body.id, stage: 'done' } });
    const refused = await api(`/v1/pipelines/${created.body.id}`, { method: 'PATCH', token: manager.accessToken, body: { stages: [{ key: 'due', name: 'Due', order: 1, probability: 40 }] } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'stage_in_use', details: { stages: ['done'] } });
    const deals = await api<{ data: Deal[] }>(`/v1/deals?pipeline_id=${created.body.id}&stage=done`, { token: tenant.accessToken });
    expect(deals.body.data).toHaveLength(1);
  });
});

describe('companies', () => {
  it('creates, reads, updates, lists, dedupes by domain, deletes; 404 across tenants; reps edit only their own', async () => {
    const [tenant, other] = await Promise.all([newTenant('Co'), newTenant('CoOther')]);
    const t = tenant.accessToken;
    const created = await api<{ id: string; version: number }>('/v1/companies', { token: t, body: { name: 'Initech', domain: 'initech.test', size: '51-200' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect((await api('/v1/companies', { token: t, body: { name: 'Initech 2', domain: 'INITECH.test' } })).body).toMatchObject({
      error: 'duplicate',
      details: { existing_id: created.body.id },
    });
    for (const body of [{ name: '' }, { name: 'x', domain: 'not a domain' }, { name: 'x', size: 'huge' }, { name: 'x'.repeat(201) }, { name: 'x', extra: 1 }]) {
      expect((await api('/v1/companies', { token: t, body })).status).toBe(400);
    }
    expect((await api(`/v1/companies/${created.body.id}`, { method: 'PATCH', token: t, body: { industry: 'Software' }, headers: { 'if-match': '"1"' } })).status).toBe(200);
    expect((await api(`/v1/companies/${created.body.id}`, { method: 'PATCH', token: t, body: { industry: 'x' }, headers: { 'if-match': '"1"' } })).status).toBe(412);
    const list = await api<{ data: Array<{ name: string }> }>('/v1/companies?q=initech', { token: t });
    expect(list.body.data.map((c) => c.name)).toEqual(['Initech']);
    expect((await api('/v1/companies?sort=size', { token: t })).status).toBe(400);

    const rep = await newUser(tenant, 'rep');
    expect((await api(`/v1/companies/${created.body.id}`, { token: rep.accessToken })).status).toBe(200);
    expect((await api(`/v1/companies/${created.body.id}`, { method: 'PATCH', token: rep.accessToken, body: { industry: 'x' } })).status).toBe(403);
    expect((await api(`/v1/companies/${created.body.id}`, { method: 'DELETE', token: rep.accessToken })).status).toBe(403);

    for (const [method, path] of [
      ['GET', `/v1/companies/${created.body.id}`],
      ['PATCH', `/v1/companies/${created.body.id}`],
      ['DELETE', `/v1/companies/${created.body.id}`],
    ]) {
      const res = await api(path, { method, token: other.accessToken, body: method === 'PATCH' ? { industry: 'x' } : undefined });
      expect({ method, status: res.status }).toEqual({ method, status: 404 });
    }
    expect((await api(`/v1/companies/${created.body.id}`, { method: 'DELETE', token: t })).status).toBe(204);
    expect((await api(`/v1/companies/${created.body.id}`, { token: t })).status).toBe(404);
  });
});

describe('custom fields', () => {
  it('lets admins define typed fields that contacts are validated and filtered by; others may only read them', async () => {
    const [tenant, other] = await Promise.all([newTenant('Cf'), newTenant('CfOther')]);
    const t = tenant.accessToken;
    const field = await api<{ id: string }>('/v1/custom-fields', { token: t, body: { object_type: 'contact', key: 'plan', label: 'Plan', type: 'single_select', options: ['free', 'pro'] } });
    expect(field.status).toBe(201);
    expect((await api('/v1/custom-fields', { token: t, body: { object_type: 'contact', key: 'plan', label: 'Again', type: 'text' } })).status).toBe(409);
    for (const body of [
      { object_type: 'lead', key: 'x', label: 'X', type: 'text' },
      { object_type: 'contact', key: 'Bad Key', label: 'X', type: 'text' },
      { object_type: 'contact', key: 'x', label: 'X', type: 'color' },
      { object_type: 'contact', key: 'x', label: 'X', type: 'single_select' },
    ]) {
      expect((await api('/v1/custom-fields', { token: t, body })).status).toBe(400);
    }
    expect((await api('/v1/contacts', { token: t, body: { first_name: 'P', custom_fields: { plan: 'enterprise' } } })).body).toMatchObject({
      error: 'validation_failed',
      details: { fields: { 'custom_fields.plan': expect.any(Array) } },
    });
    const pro = await api<{ id: string }>('/v1/contacts', { token: t, body: { first_name: 'P', custom_fields: { plan: 'pro' } } });
    await api('/v1/contacts', { token: t, body: { first_name: 'F', custom_fields: { plan: 'free' } } });
    const filtered = await api<{ data: Array<{ id: string }> }>('/v1/contacts?custom_field=plan:pro', { token: t });
    expect(filtered.body.data.map((c) => c.id)).toEqual([pro.body.id]);
    expect((await api('/v1/contacts?custom_field=nokey', { token: t })).status).toBe(400);

    const [manager, rep] = await Promise.all([newUser(tenant, 'manager'), newUser(tenant, 'rep')]);
    expect((await api('/v1/custom-fields?object_type=contact', { token: rep.accessToken })).status).toBe(200);
    expect((await api('/v1/custom-fields', { token: manager.accessToken, body: { object_type: 'deal', key: 'y', label: 'Y', type: 'text' } })).status).toBe(403);
    expect((await api(`/v1/custom-fields/${field.body.id}`, { method: 'DELETE', token: rep.accessToken })).status).toBe(403);
    expect((await api('/v1/custom-fields?object_type=nope', { token: t })).status).toBe(400);
    expect((await api(`/v1/custom-fields/${field.body.id}`, { method: 'DELETE', token: other.accessToken })).status).toBe(404);
    expect((await api(`/v1/custom-fields/${field.body.id}`, { method: 'DELETE', token: t })).status).toBe(204);
  });
});
