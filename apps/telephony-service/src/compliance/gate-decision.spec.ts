import type { NationalDncState } from '../registry/national-dnc-status';
import { decideContact, type GateFacts } from './gate-decision';

/** 12:00 in New York (17:00 UTC in January). */
const NOON_NY = new Date('2026-01-15T17:00:00Z');
const clear: NationalDncState = { status: 'clear', list_date: '2026-01-10', stale: false, scrub_required: true };

/** Facts under which a call to a New York number at noon goes through. */
const ok = (): GateFacts => ({
  phone: '+12125550100',
  channel: 'call',
  telephonyEnabled: true,
  onInternalDnc: false,
  national: clear,
  consent: { status: 'granted', expires_at: null },
  zones: ['America/New_York'],
  attempts: { number: 0, tenant: 0 },
  caps: { per_number_daily_cap: 3, tenant_daily_cap: 100 },
});

describe('decideContact (the compliance gate’s rules)', () => {
  it.each<[string, Partial<GateFacts>, Date, string | null, Record<string, unknown>?]>([
    ['everything in order', {}, NOON_NY, null],
    ['telephony switched off', { telephonyEnabled: false }, NOON_NY, 'module_not_enabled', { module: 'telephony' }],
    ['module off wins over every other rule', { telephonyEnabled: false, onInternalDnc: true, consent: null }, NOON_NY, 'module_not_enabled'],
    ['on the tenant’s DNC list', { onInternalDnc: true }, NOON_NY, 'do_not_call', { phone: '+12125550100' }],
    ['internal DNC even with consent and in hours', { onInternalDnc: true, consent: { status: 'granted', expires_at: null } }, NOON_NY, 'do_not_call'],
    ['on the national registry', { national: { ...clear, status: 'listed' } }, NOON_NY, 'do_not_call', { list: 'national', list_date: '2026-01-10' }],
    ['no national list covers a +1 number', { national: { status: 'unknown', list_date: null, stale: true, scrub_required: true } }, NOON_NY, 'dnc_scrub_stale', { scrubbed_at: null, max_age_days: 31 }],
    ['national scrub older than 31 days', { national: { ...clear, list_date: '2025-12-01', stale: true } }, NOON_NY, 'dnc_scrub_stale', { scrubbed_at: '2025-12-01' }],
    ['no scrub needed outside the registry’s countries', { national: { status: 'unknown', list_date: null, stale: true, scrub_required: false } }, NOON_NY, null],
    ['no consent at all', { consent: null }, NOON_NY, 'no_consent', { type: 'call' }],
    ['consent revoked (the latest row wins)', { consent: { status: 'revoked', expires_at: null } }, NOON_NY, 'no_consent'],
    ['consent expired', { consent: { status: 'granted', expires_at: new Date('2026-01-15T16:59:59Z') } }, NOON_NY, 'no_consent'],
    ['consent expiring later', { consent: { status: 'granted', expires_at: new Date('2026-01-15T17:00:01Z') } }, NOON_NY, null],
    ['sms needs sms consent', { channel: 'sms', consent: null }, NOON_NY, 'no_consent', { type: 'sms' }],
    ['07:59 local', {}, new Date('2026-01-15T12:59:00Z'), 'quiet_hours'],
    ['08:00 local', {}, new Date('2026-01-15T13:00:00Z'), null],
    ['20:59 local', {}, new Date('2026-01-16T01:59:00Z'), null],
    ['21:00 local', {}, new Date('2026-01-16T02:00:00Z'), 'quiet_hours', { outside: [{ zone: 'America/New_York', local_time: '21:00' }] }],
    ['a region spanning zones: the most restrictive one decides', { zones: ['America/New_York', 'America/Los_Angeles'] }, new Date('2026-01-15T15:30:00Z'), 'quiet_hours'],
    ['unknown local time', { zones: [] }, NOON_NY, 'quiet_hours', { zones: [] }],
    ['per-number cap reached', { attempts: { number: 3, tenant: 3 } }, NOON_NY, 'frequency_cap', { scope: 'number', cap: 3 }],
    ['per-number cap not yet reached', { attempts: { number: 2, tenant: 2 } }, NOON_NY, null],
    ['tenant cap reached', { attempts: { number: 0, tenant: 100 } }, NOON_NY, 'frequency_cap', { scope: 'tenant', cap: 100 }],
    ['a cap of zero blocks everything', { caps: { per_number_daily_cap: 0, tenant_daily_cap: 100 } }, NOON_NY, 'frequency_cap'],
    // (details as a rest parameter: jest hands a trailing parameter a rows lacks a `done` callback)
  ])('%s', (_name, change, now, code, ...[details]) => {
    const refusal = decideContact({ ...ok(), ...change }, now);
    expect(refusal?.code ?? null).toBe(code);
    if (details) expect(refusal?.details).toMatchObject(details);
  });
});
