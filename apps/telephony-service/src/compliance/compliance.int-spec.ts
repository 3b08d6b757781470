import { domainError } from '@engage/testing/kit';
import { startTelephonyKit, type TelephonyKit } from '../test-support/telephony-test-kit';
import { normalisePhone } from './phone-number';

/** Noon in San Francisco (PST): inside calling hours for a 415 number. */
const SF_NOON = '2026-01-15T20:00:00Z';
const SF = '+14155550100';

describe('compliance gate against PostgreSQL', () => {
  let kit: TelephonyKit;
  beforeAll(async () => {
    kit = await startTelephonyKit();
  });
  afterAll(() => kit.close());
  beforeEach(() => kit.clock.set(SF_NOON));

  const gate = (tenantId: string, phone: string, channel: 'call' | 'sms' = 'call', timezone?: string) =>
    kit.db.transaction(tenantId, (tx) => kit.gate.assertMayContact(tx, tenantId, normalisePhone(phone), channel, kit.clock.now(), { timezone }));
  const attempts = (tenantId: string) =>
    kit.db.transaction(tenantId, (tx) => kit.complianceRepository.countAttemptsSince(tx, tenantId, new Date(0)));

  it('refuses without consent, allows after it, and refuses again once it is revoked (latest row wins)', async () => {
    const ctx = kit.newTenant();
    expect(await domainError(gate(ctx.tenantId, SF))).toMatchObject({ status: 422, code: 'no_consent' });
    await kit.grant(ctx, '+1 (415) 555-0100');
    await gate(ctx.tenantId, SF);
    // An SMS consent is not a call consent.
    expect(await domainError(gate(ctx.tenantId, SF, 'sms'))).toMatchObject({ code: 'no_consent', details: { type: 'sms' } });
    await kit.compliance.recordConsent(ctx, { phone: SF, type: 'call', status: 'revoked', source: 'phone_call', evidence: 'asked to stop' });
    expect(await domainError(gate(ctx.tenantId, SF))).toMatchObject({ code: 'no_consent' });
    const ledger = await kit.compliance.listConsents(ctx, { phone: SF });
    expect(ledger.data.map((c) => c.status)).toEqual(['revoked', 'granted']);
    expect(ledger.data[0]).toMatchObject({ phone: SF, source: 'phone_call', evidence: 'asked to stop', recorded_by: ctx.userId });
  });

  it('honours a consent’s expiry', async () => {
    const ctx = kit.newTenant();
    await kit.compliance.recordConsent(ctx, { phone: SF, type: 'call', status: 'granted', source: 'web_form', expires_at: '2026-01-15T20:30:00Z' });
    await gate(ctx.tenantId, SF);
    kit.clock.set('2026-01-15T20:31:00Z');
    expect(await domainError(gate(ctx.tenantId, SF))).toMatchObject({ code: 'no_consent' });
  });

  it('records consent for a contact’s primary phone, and answers 404 for another tenant’s contact', async () => {
    const ctx = kit.newTenant();
    const stranger = kit.newTenant();
    const contact = kit.contacts.add(ctx, { primary_phone: SF });
    const consent = await kit.compliance.recordConsent(ctx, { contact_id: contact.id, type: 'sms', status: 'granted', source: 'web_form' });
    expect(consent).toMatchObject({ phone: SF, contact_id: contact.id, type: 'sms' });
    expect((await domainError(kit.compliance.recordConsent(stranger, { contact_id: contact.id, type: 'sms', status: 'granted', source: 'x' }))).status).toBe(404);
    const bare = kit.contacts.add(ctx);
    expect((await domainError(kit.compliance.recordConsent(ctx, { contact_id: bare.id, type: 'sms', status: 'granted', source: 'x' }))).status).toBe(400);
    expect((await domainError(kit.compliance.recordConsent(ctx, { phone: '+1415', type: 'sms', status: 'granted', source: 'x' }))).status).toBe(400);
  });

  it('refuses a number on the internal DNC list even with consent, in any format it was added in', async () => {
    const ctx = kit.newTenant();
    await kit.grant(ctx, SF);
    const entry = await kit.compliance.addDnc(ctx, { phone: '+1 415-555-0100', reason: 'customer_request' });
    expect(entry).toMatchObject({ phone: SF, reason: 'customer_request', source: 'manual', added_by: ctx.userId });
    expect(await domainError(gate(ctx.tenantId, SF))).toMatchObject({ code: 'do_not_call', details: { phone: SF } });
    expect((await kit.compliance.listDnc(ctx, {})).data.map((d) => d.phone)).toEqual([SF]);
    await kit.compliance.removeDnc(ctx, SF);
    await gate(ctx.tenantId, SF);
    expect((await domainError(kit.compliance.removeDnc(ctx, SF))).status).toBe(404);
  });

  it('lets a rep add to the DNC list but not remove from it; keeps each tenant’s list and ledger its own', async () => {
    const ctx = kit.newTenant();
    const rep = kit.as(ctx, 'rep');
    const stranger = kit.newTenant();
    await kit.compliance.addDnc(rep, { phone: SF });
    expect((await domainError(kit.compliance.removeDnc(rep, SF))).status).toBe(403);
    expect((await domainError(kit.compliance.removeDnc(stranger, SF))).status).toBe(404);
    expect((await kit.compliance.listDnc(stranger, {})).data).toEqual([]);
    await kit.grant(ctx, '+14155550199');
    expect((await kit.compliance.listConsents(stranger, {})).data).toEqual([]);
    await kit.grant(stranger, '+14155550199');
    expect(await domainError(gate(stranger.tenantId, SF))).toMatchObject({ code: 'no_consent' });
  });

  it('pages the DNC list newest first with a cursor, and refuses a forged cursor', async () => {
    const ctx = kit.newTenant();
    for (const n of ['+14155550101', '+14155550102', '+14155550103']) await kit.compliance.addDnc(ctx, { phone: n });
    const first = await kit.compliance.listDnc(ctx, { limit: 2 });
    expect(first.data.map((d) => d.phone)).toEqual(['+14155550103', '+14155550102']);
    const second = await kit.compliance.listDnc(ctx, { limit: 2, cursor: first.page.next_cursor! });
    expect(second).toMatchObject({ data: [{ phone: '+14155550101' }], page: { has_more: false, next_cursor: null } });
    expect((await domainError(kit.compliance.listDnc(ctx, { cursor: 'bm9wZQ' }))).status).toBe(400);
  });

  it('refuses outside 08:00–21:00 recipient local time, with the zone and local time in the details', async () => {
    const ctx = kit.newTenant();
    await kit.grant(ctx, SF);
    kit.clock.set('2026-01-15T15:30:00Z'); // 07:30 in San Francisco
    expect(await domainError(gate(ctx.tenantId, SF))).toMatchObject({
      code: 'quiet_hours',
      details: { outside: [{ zone: 'America/Los_Angeles', local_time: '07:30' }] },
    });
    // The contact's own zone decides when it is known: 07:30 in San Francisco is 10:30 in New York.
    await gate(ctx.tenantId, SF, 'call', 'America/New_York');
    expect(await attempts(ctx.tenantId)).toBe(1);
  });

  it('places exactly as many of ten parallel attempts as the per-number cap allows', async () => {
    const ctx = kit.newTenant();
    await kit.grant(ctx, SF);
    await kit.setCaps(ctx, { per_number_daily_cap: 3, tenant_daily_cap: 100 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => gate(ctx.tenantId, SF)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refusals.map((r) => (r.reason as { code: string }).code)).toEqual(Array(7).fill('frequency_cap'));
    expect(await attempts(ctx.tenantId)).toBe(3);
    // A day later the window has moved on.
    kit.clock.set('2026-01-16T20:00:01Z');
    await gate(ctx.tenantId, SF);
  });

  it('caps the whole tenant across numbers, also under parallel attempts', async () => {
    const ctx = kit.newTenant();
    const numbers = Array.from({ length: 8 }, (_, i) => `+1415555020${i}`);
    for (const n of numbers) await kit.grant(ctx, n);
    await kit.setCaps(ctx, { per_number_daily_cap: 5, tenant_daily_cap: 4 });
    const results = await Promise.allSettled(numbers.map((n) => gate(ctx.tenantId, n)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'frequency_cap', details: { scope: 'tenant', cap: 4 } });
  });

  it('records nothing for a refused attempt', async () => {
    const ctx = kit.newTenant();
    await kit.grant(ctx, SF);
    kit.clock.set('2026-01-16T06:00:00Z'); // 22:00 in San Francisco
    expect(await domainError(gate(ctx.tenantId, SF))).toMatchObject({ code: 'quiet_hours' });
    expect(await attempts(ctx.tenantId)).toBe(0);
  });
});
