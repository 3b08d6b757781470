import { randomInt } from 'node:crypto';
import { api, e2eStack, newTenant, newUser, type TenantSession, zoneAtLocalHour } from '@engage/testing';
import { control } from '@engage/providers/twilio/control';

/**
 * The phone-number registry through the gateway, against the development national DNC list that
 * `npm test` loads dated the day it runs (tools/seed/dnc-dev.txt: +1 415 555 7001 and 7002 are
 * listed; area code 907 is not covered, and integration tests' own lists there never start with +19072).
 */
jest.setTimeout(120_000);

type Registry = {
  e164: string;
  country: string | null;
  line_type: string | null;
  carrier: string | null;
  national_dnc: { status: string; list_date: string | null; stale: boolean; scrub_required: boolean };
  contacts: Array<{ id: string; first_name: string | null; last_name: string | null; owner_id: string | null }>;
};

/** The development list is dated the day `npm test` loaded it: today, or yesterday just after midnight UTC. */
function isRecentDate(date: string | null): boolean {
  if (!date) return false;
  const age = Date.now() - Date.parse(`${date}T00:00:00Z`);
  return age >= 0 && age < 2 * 24 * 60 * 60 * 1000;
}

describe('phone-number registry through the gateway', () => {
  let standIn: { url: string };
  let tenant: TenantSession;
  let other: TenantSession;

  beforeAll(async () => {
    standIn = { url: String(e2eStack.provider('twilio').url) };
    [tenant, other] = await Promise.all([newTenant('Registry'), newTenant('RegistryOther')]);
  });

  async function contact(session: TenantSession, phone: string, first_name: string, timezone = zoneAtLocalHour(12)): Promise<string> {
    const res = await api<{ id: string }>('/v1/contacts', { token: session.accessToken, body: { first_name, last_name: 'Doe', phones: [{ number: phone, is_primary: true }], timezone } });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('shows a listed number’s registry row and this tenant’s contacts that carry it, never another tenant’s', async () => {
    const mine = await contact(tenant, '+14155557001', 'Mine');
    const theirs = await contact(other, '+1 (415) 555-7001', 'Theirs');
    const res = await api<Registry>('/v1/phone-numbers/+14155557001', { token: tenant.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      e164: '+14155557001',
      country: 'US',
      line_type: 'fixed_line_or_mobile',
      carrier: null,
      national_dnc: { status: 'listed', stale: false, scrub_required: true },
      contacts: [{ id: mine, first_name: 'Mine', last_name: 'Doe', owner_id: tenant.userId }],
    });
    expect(isRecentDate(res.body.national_dnc.list_date)).toBe(true);
    const theirView = await api<Registry>('/v1/phone-numbers/%2B14155557001', { token: other.accessToken });
    expect(theirView.body.contacts.map((c) => c.id)).toEqual([theirs]);
    const stranger = await newTenant('RegistryStranger');
    expect((await api<Registry>('/v1/phone-numbers/+14155557001', { token: stranger.accessToken })).body).toMatchObject({ national_dnc: { status: 'listed' }, contacts: [] });
  });

  it('answers clear for a covered number the list does not name, and unknown for an uncovered area code', async () => {
    const clear = await api<Registry>('/v1/phone-numbers/+14155553050', { token: tenant.accessToken });
    expect(clear).toMatchObject({ status: 200, body: { national_dnc: { status: 'clear', stale: false }, contacts: [] } });
    expect(isRecentDate(clear.body.national_dnc.list_date)).toBe(true);
    const alaska = await api<Registry>(`/v1/phone-numbers/+19072${randomInt(100_000, 1_000_000)}`, { token: tenant.accessToken });
    expect(alaska.body.national_dnc).toEqual({ status: 'unknown', list_date: null, stale: true, scrub_required: true });
    const london = await api<Registry>('/v1/phone-numbers/+442071838750', { token: tenant.accessToken });
    expect(london.body).toMatchObject({ country: 'GB', line_type: 'fixed_line', national_dnc: { status: 'unknown', scrub_required: false } });
  });

  it('lets every role read it (compliance read), and refuses anonymous callers and malformed numbers', async () => {
    for (const role of ['rep', 'manager'] as const) {
      const user = await newUser(tenant, role);
      expect((await api('/v1/phone-numbers/+14155557001', { token: user.accessToken })).status).toBe(200);
    }
    expect((await api('/v1/phone-numbers/+14155557001')).status).toBe(401);
    // The gateway's pattern check, then libphonenumber in the service (+1 415 5550 matches the pattern but is too short).
    for (const bad of ['4155557001', '+1415', '+14155550', 'not-a-number', `+1${'9'.repeat(40)}`, '+1%20415%20555%207001']) {
      const res = await api<{ error: string }>(`/v1/phone-numbers/${bad}`, { token: tenant.accessToken });
      expect({ bad, status: res.status, error: res.body.error }).toEqual({ bad, status: 400, error: 'validation_failed' });
    }
    for (const garbage of ['%2B1415555700%00', '%FF%FE', '..%2F..%2Fetc']) {
      const res = await api(`/v1/phone-numbers/${garbage}`, { token: tenant.accessToken });
      expect({ garbage, status: res.status }).toEqual({ garbage, status: 400 });
    }
  });

  it('refuses a call to a number on the national list with 422 do_not_call and dials nothing', async () => {
    const t = tenant.accessToken;
    const id = await contact(tenant, '+14155557002', 'Listed');
    await api('/v1/consents', { token: t, body: { phone: '+14155557002', type: 'call', status: 'granted', source: 'web_form' } });
    const refused = await api<{ error: string; details: { phone: string; list: string; list_date: string } }>('/v1/calls', {
      token: t,
      body: { contact_id: id, rep_phone: '+14155553000' },
    });
    expect(refused).toMatchObject({ status: 422, body: { error: 'do_not_call', details: { phone: '+14155557002', list: 'national' } } });
    expect(isRecentDate(refused.body.details.list_date)).toBe(true);
    expect((await control<{ calls: unknown[] }>(standIn.url, 'GET', `/calls?to=${encodeURIComponent('+14155557002')}`)).body.calls).toEqual([]);
  });

  it('refuses a call to an area code no national list covers with 422 dnc_scrub_stale', async () => {
    const t = tenant.accessToken;
    const alaska = `+19072${randomInt(100_000, 1_000_000)}`;
    const id = await contact(tenant, alaska, 'Uncovered');
    await api('/v1/consents', { token: t, body: { phone: alaska, type: 'call', status: 'granted', source: 'web_form' } });
    const refused = await api('/v1/calls', { token: t, body: { contact_id: id, rep_phone: '+14155553000' } });
    expect(refused).toMatchObject({ status: 422, body: { error: 'dnc_scrub_stale', details: { phone: alaska, scrubbed_at: null, max_age_days: 31 } } });
    expect((await control<{ calls: unknown[] }>(standIn.url, 'GET', `/calls?to=${encodeURIComponent(alaska)}`)).body.calls).toEqual([]);
  });
});
