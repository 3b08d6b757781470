import { domainError } from '@engage/testing/kit';
import { startTelephonyKit, type TelephonyKit } from '../test-support/telephony-test-kit';

/** `telephony.phone_numbers.get` (GET /v1/phone-numbers/:e164): the registry entry and the caller's own contacts. */
describe('phone-number registry lookup', () => {
  let kit: TelephonyKit;
  beforeAll(async () => {
    kit = await startTelephonyKit();
  });
  afterAll(() => kit.close());
  beforeEach(() => kit.clock.set('2026-01-20T12:00:00Z'));

  it('answers the row the import wrote, with the national status and scrub date', async () => {
    const p = kit.nationalDnc.freshPrefix();
    await kit.loadNationalDnc({ date: '2026-01-18', prefixes: [p], listed: [`${p}0`] });
    const ctx = kit.newTenant('rep');
    expect(await kit.registry.get(ctx, `${p}0`)).toEqual({
      e164: `${p}0`,
      country: 'US',
      line_type: 'fixed_line_or_mobile',
      carrier: null,
      national_dnc: { status: 'listed', list_date: '2026-01-18', stale: false, scrub_required: true },
      contacts: [],
    });
  });

  it('describes a number the registry has no row for from the numbering plan and the lists covering it', async () => {
    const ctx = kit.newTenant();
    // Covered by the development list (today's date, so fresh at any earlier clock).
    expect(await kit.registry.get(ctx, '+1 (415) 555-0188')).toMatchObject({
      e164: '+14155550188',
      country: 'US',
      line_type: 'fixed_line_or_mobile',
      national_dnc: { status: 'clear', stale: false, scrub_required: true },
    });
    expect(await kit.registry.get(ctx, '+447911123456')).toMatchObject({ country: 'GG', line_type: 'mobile', national_dnc: { status: 'unknown', scrub_required: false } });
    expect(await kit.registry.get(ctx, '+14155557001')).toMatchObject({ national_dnc: { status: 'listed' } });
  });

  it('lists only the caller’s tenant’s contacts that carry the number', async () => {
    const ctx = kit.newTenant();
    const other = kit.newTenant();
    const pat = { id: '01a235ba-0000-7000-8000-000000000001', first_name: 'Pat', last_name: 'Lee', owner_id: ctx.userId };
    kit.phoneContacts.add(ctx, '+14155550177', pat);
    kit.phoneContacts.add(other, '+14155550177', { id: '01a235ba-0000-7000-8000-000000000002', first_name: 'Not', last_name: 'Yours', owner_id: other.userId });
    expect((await kit.registry.get(ctx, '+14155550177')).contacts).toEqual([pat]);
    expect((await kit.registry.get(kit.newTenant(), '+14155550177')).contacts).toEqual([]);
  });

  it('answers 400 for a number that is not a phone number, and 401 without a tenant', async () => {
    const ctx = kit.newTenant();
    for (const bad of ['+1415555', 'hello', '+0123456789', '']) {
      expect(await domainError(kit.registry.get(ctx, bad))).toMatchObject({ status: 400, details: { fields: { e164: [expect.any(String)] } } });
    }
    expect((await domainError(kit.registry.get({ ...ctx, tenantId: null }, '+14155550100'))).status).toBe(401);
  });
});
