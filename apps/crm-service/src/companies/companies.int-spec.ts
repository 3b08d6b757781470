import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';
import { domainError } from '@engage/testing/kit';

describe('companies against PostgreSQL', () => {
  let kit: CrmKit;

  beforeAll(async () => {
    kit = await startCrmKit();
  });
  afterAll(() => kit.close());

  it('creates, reads, updates with If-Match and soft-deletes a company', async () => {
    const ctx = kit.newTenant();
    const company = await kit.companies.create(ctx, { name: 'Initech', domain: 'Initech.COM', industry: 'Software', size: '51-200' });
    expect(company).toMatchObject({ name: 'Initech', domain: 'initech.com', size: '51-200', version: 1 });
    const updated = await kit.companies.update(ctx, { id: company.id, industry: 'Consulting', if_match: 1 });
    expect(updated).toMatchObject({ industry: 'Consulting', version: 2 });
    expect((await domainError(kit.companies.update(ctx, { id: company.id, industry: 'x', if_match: 1 }))).status).toBe(412);
    await kit.companies.delete(ctx, { id: company.id });
    expect((await domainError(kit.companies.get(ctx, company.id))).status).toBe(404);
  });

  it('answers 409 duplicate for a domain the tenant already has', async () => {
    const ctx = kit.newTenant();
    const first = await kit.companies.create(ctx, { name: 'A', domain: 'a.test' });
    expect(await domainError(kit.companies.create(ctx, { name: 'B', domain: 'A.test' }))).toMatchObject({
      status: 409,
      code: 'duplicate',
      details: { existing_id: first.id },
    });
  });

  it('keeps contacts findable by the company’s new name, and unlinks them when it is deleted', async () => {
    const ctx = kit.newTenant();
    const company = await kit.companies.create(ctx, { name: 'Umbrella' });
    const contact = await kit.contacts.create(ctx, { first_name: 'Alice', company_id: company.id });
    await kit.companies.update(ctx, { id: company.id, name: 'Tricell' });
    expect((await kit.contacts.list(ctx, { q: 'tricell' })).data.map((c) => c.id)).toEqual([contact.id]);
    expect((await kit.contacts.list(ctx, { q: 'umbrella' })).data).toEqual([]);
    expect((await kit.contacts.list(ctx, { company_id: company.id })).data.map((c) => c.id)).toEqual([contact.id]);
    await kit.companies.delete(ctx, { id: company.id });
    expect((await kit.contacts.get(ctx, contact.id)).company_id).toBeNull();
  });

  it('answers 404 for a company of another tenant and 403 to a rep changing one they do not own', async () => {
    const ctx = kit.newTenant();
    const stranger = kit.newTenant();
    const rep = kit.as(ctx, 'rep');
    const company = await kit.companies.create(ctx, { name: 'Mine' });
    expect((await domainError(kit.companies.get(stranger, company.id))).status).toBe(404);
    expect((await domainError(kit.companies.update(stranger, { id: company.id, name: 'x' }))).status).toBe(404);
    expect((await domainError(kit.companies.update(rep, { id: company.id, name: 'x' }))).status).toBe(403);
    expect((await domainError(kit.companies.delete(rep, { id: company.id }))).status).toBe(403);
  });

  it('lists by name with words of the name or domain', async () => {
    const ctx = kit.newTenant();
    for (const name of ['Charlie Ltd', 'alpha Inc', 'Bravo GmbH']) await kit.companies.create(ctx, { name });
    expect((await kit.companies.list(ctx, {})).data.map((c) => c.name)).toEqual(['alpha Inc', 'Bravo GmbH', 'Charlie Ltd']);
    expect((await kit.companies.list(ctx, { q: 'brav' })).data.map((c) => c.name)).toEqual(['Bravo GmbH']);
    const p1 = await kit.companies.list(ctx, { limit: 2 });
    const p2 = await kit.companies.list(ctx, { limit: 2, cursor: p1.page.next_cursor! });
    expect(p2.data.map((c) => c.name)).toEqual(['Charlie Ltd']);
  });
});
