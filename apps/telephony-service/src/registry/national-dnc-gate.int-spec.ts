import { domainError } from '@engage/testing/kit';
import { normalisePhone } from '../compliance/phone-number';
import { startTelephonyKit, type TelephonyKit } from '../test-support/telephony-test-kit';

/** 11:00 in Anchorage (area code 907, where the tests' own lists live) and 12:00 in London. */
const ANCHORAGE_MORNING = '2026-01-15T20:00:00Z';

describe('compliance gate: the national Do-Not-Call registry', () => {
  let kit: TelephonyKit;
  beforeAll(async () => {
    kit = await startTelephonyKit();
  });
  afterAll(() => kit.close());
  beforeEach(() => kit.clock.set(ANCHORAGE_MORNING));

  const gate = (tenantId: string, phone: string, channel: 'call' | 'sms' = 'call') =>
    kit.db.transaction(tenantId, (tx) => kit.gate.assertMayContact(tx, tenantId, normalisePhone(phone), channel, kit.clock.now(), {}));
  const attempts = (tenantId: string) => kit.db.transaction(tenantId, (tx) => kit.complianceRepository.countAttemptsSince(tx, tenantId, new Date(0)));

  it('refuses a number on the national list with do_not_call, even with consent, and allows its clear neighbour', async () => {
    const p = kit.nationalDnc.freshPrefix();
    await kit.loadNationalDnc({ date: '2026-01-14', prefixes: [p], listed: [`${p}1`] });
    const ctx = kit.newTenant();
    await kit.grant(ctx, `${p}1`, 'sms');
    await kit.grant(ctx, `${p}2`);
    expect(await domainError(gate(ctx.tenantId, `${p}1`, 'sms'))).toMatchObject({
      status: 422,
      code: 'do_not_call',
      details: { phone: `${p}1`, list: 'national', list_date: '2026-01-14' },
    });
    await gate(ctx.tenantId, `${p}2`);
    expect(await attempts(ctx.tenantId)).toBe(1);
  });

  it('refuses with dnc_scrub_stale once the covering list is more than 31 days old, until a newer list is loaded', async () => {
    const p = kit.nationalDnc.freshPrefix();
    await kit.loadNationalDnc({ date: '2026-01-01', prefixes: [p] });
    const ctx = kit.newTenant();
    await kit.grant(ctx, `${p}3`);
    kit.clock.set('2026-02-01T00:00:00Z'); // 31 days: still current (15:00 in Anchorage)
    await gate(ctx.tenantId, `${p}3`);
    kit.clock.set('2026-02-01T21:00:00Z'); // 12:00 in Anchorage, 31 days and 21 hours after the scrub
    expect(await domainError(gate(ctx.tenantId, `${p}3`))).toMatchObject({
      status: 422,
      code: 'dnc_scrub_stale',
      details: { phone: `${p}3`, scrubbed_at: '2026-01-01', max_age_days: 31 },
    });
    expect((await kit.registry.get(ctx, `${p}3`)).national_dnc).toEqual({ status: 'clear', list_date: '2026-01-01', stale: true, scrub_required: true });
    await kit.loadNationalDnc({ date: '2026-01-31', prefixes: [p] });
    await gate(ctx.tenantId, `${p}3`);
    expect(await attempts(ctx.tenantId)).toBe(2);
  });

  it('refuses a North American number that no loaded list covers with dnc_scrub_stale and no scrub date', async () => {
    const ctx = kit.newTenant();
    const uncovered = kit.nationalDnc.uncoveredNumber();
    await kit.grant(ctx, uncovered);
    expect(await domainError(gate(ctx.tenantId, uncovered))).toMatchObject({
      code: 'dnc_scrub_stale',
      details: { phone: uncovered, scrubbed_at: null, max_age_days: 31 },
    });
    expect(await attempts(ctx.tenantId)).toBe(0);
  });

  it('checks the internal list first, then the national one, before consent', async () => {
    const p = kit.nationalDnc.freshPrefix();
    await kit.loadNationalDnc({ date: '2026-01-14', prefixes: [p], listed: [`${p}4`] });
    const ctx = kit.newTenant();
    // No consent recorded: the national listing is still the reason given.
    expect(await domainError(gate(ctx.tenantId, `${p}4`))).toMatchObject({ code: 'do_not_call', details: { list: 'national' } });
    await kit.compliance.addDnc(ctx, { phone: `${p}4` });
    const internal = await domainError(gate(ctx.tenantId, `${p}4`));
    expect(internal).toMatchObject({ code: 'do_not_call', details: { phone: `${p}4` } });
    expect(internal.details?.list).not.toBe('national');
    expect(await domainError(gate(ctx.tenantId, kit.nationalDnc.uncoveredNumber()))).toMatchObject({ code: 'dnc_scrub_stale' });
  });

  it('lets a number outside North America through this rule while no list covers it', async () => {
    const ctx = kit.newTenant();
    await kit.grant(ctx, '+442071838751');
    kit.clock.set('2026-01-15T12:00:00Z'); // 12:00 in London
    await gate(ctx.tenantId, '+442071838751');
    expect((await kit.registry.get(ctx, '+442071838751')).national_dnc).toEqual({ status: 'unknown', list_date: null, stale: true, scrub_required: false });
  });
});
