import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';
import { domainError } from '@engage/testing/kit';

describe('custom fields against PostgreSQL', () => {
  let kit: CrmKit;

  beforeAll(async () => {
    kit = await startCrmKit();
  });
  afterAll(() => kit.close());

  it('defines fields per object type and refuses a key taken for the same type', async () => {
    const ctx = kit.newTenant();
    await kit.customFields.create(ctx, { object_type: 'deal', key: 'renewal', label: 'Renewal', type: 'date' });
    await kit.customFields.create(ctx, { object_type: 'company', key: 'renewal', label: 'Renewal', type: 'boolean' });
    expect((await domainError(kit.customFields.create(ctx, { object_type: 'deal', key: 'renewal', label: 'Again', type: 'text' }))).status).toBe(409);
    expect((await kit.customFields.list(ctx, { object_type: 'deal' })).data).toEqual([expect.objectContaining({ key: 'renewal', type: 'date' })]);
  });

  it('checks every type: text, number, date, boolean, single and multi select; required fields', async () => {
    const ctx = kit.newTenant();
    const def = (key: string, type: 'text' | 'number' | 'date' | 'boolean' | 'single_select' | 'multi_select', extra = {}) =>
      kit.customFields.create(ctx, { object_type: 'deal', key, label: key, type, ...extra });
    await def('note', 'text');
    await def('seats', 'number');
    await def('renewal', 'date');
    await def('signed', 'boolean');
    await def('tier', 'single_select', { options: ['gold', 'silver'] });
    await def('modules', 'multi_select', { options: ['crm', 'dialer', 'email'] });
    const ok = await kit.deals.create(ctx, {
      name: 'Typed',
      custom_fields: { note: 'hi', seats: 3.5, renewal: '2027-02-28', signed: true, tier: 'gold', modules: ['crm', 'email'] },
    });
    expect(ok.custom_fields).toEqual({ note: 'hi', seats: 3.5, renewal: '2027-02-28', signed: true, tier: 'gold', modules: ['crm', 'email'] });
    const bad = await domainError(
      kit.deals.create(ctx, { name: 'Bad', custom_fields: { seats: 'three', renewal: '2027-02-30', signed: 'yes', tier: 'bronze', modules: ['crm', 'crm'] } }),
    );
    expect(Object.keys((bad.details as { fields: object }).fields).sort()).toEqual(
      ['custom_fields.modules', 'custom_fields.renewal', 'custom_fields.seats', 'custom_fields.signed', 'custom_fields.tier'].sort(),
    );
    const cleared = await kit.deals.update(ctx, { id: ok.id, custom_fields: { note: null } });
    expect(cleared.custom_fields).not.toHaveProperty('note');

    await kit.customFields.create(ctx, { object_type: 'contact', key: 'region', label: 'Region', type: 'text', required: true });
    expect((await domainError(kit.contacts.create(ctx, { first_name: 'No region' }))).details).toEqual({ fields: { 'custom_fields.region': ['is required'] } });
  });

  it('refuses select fields without options and options on other types', async () => {
    const ctx = kit.newTenant();
    expect((await domainError(kit.customFields.create(ctx, { object_type: 'contact', key: 's', label: 'S', type: 'single_select' }))).status).toBe(400);
    expect((await domainError(kit.customFields.create(ctx, { object_type: 'contact', key: 't', label: 'T', type: 'text', options: ['a'] }))).status).toBe(400);
  });

  it('deleting a definition removes its values from records, and reps and managers cannot define fields', async () => {
    const ctx = kit.newTenant();
    const field = await kit.customFields.create(ctx, { object_type: 'contact', key: 'color', label: 'Color', type: 'text' });
    const contact = await kit.contacts.create(ctx, { first_name: 'C', custom_fields: { color: 'red' } });
    await kit.customFields.delete(ctx, field.id);
    expect((await kit.contacts.get(ctx, contact.id)).custom_fields).toEqual({});
    for (const role of ['rep', 'manager'] as const) {
      expect((await domainError(kit.customFields.create(kit.as(ctx, role), { object_type: 'contact', key: 'x', label: 'X', type: 'text' }))).status).toBe(403);
    }
    expect((await domainError(kit.customFields.delete(kit.newTenant(), field.id))).status).toBe(404);
  });
  it('refuses reserved keys at definition and in values, and stores values as plain data', async () => {
    const ctx = kit.newTenant();
    for (const key of ['constructor', 'prototype']) {
      const refused = await domainError(kit.customFields.create(ctx, { object_type: 'contact', key, label: key, type: 'text' }));
      expect(refused).toMatchObject({ status: 400, details: { fields: { key: expect.any(Array) } } });
    }
    await kit.customFields.create(ctx, { object_type: 'contact', key: 'segment', label: 'Segment', type: 'text' });
    const refused = await domainError(kit.contacts.create(ctx, { first_name: 'A', custom_fields: { constructor: 'x' } }));
    expect(refused).toMatchObject({ status: 400, details: { fields: { 'custom_fields.constructor': expect.any(Array) } } });
    const created = await kit.contacts.create(ctx, { first_name: 'B', custom_fields: { segment: 'smb' } });
    expect(created.custom_fields).toEqual({ segment: 'smb' });
  });
});
