import type Redis from 'ioredis';
import { billingReadOnlyKey } from '@engage/contracts';
import { BillingGate } from './billing-gate';

const TENANT = '11111111-1111-4111-8111-111111111111';

function gateWith(values: Record<string, string>, fail = false) {
  const redis = { get: async (key: string) => (fail ? Promise.reject(new Error('down')) : (values[key] ?? null)) } as unknown as Redis;
  return new BillingGate(redis);
}

describe('the billing gate (past due → read-only)', () => {
  const since = gateWith({ [billingReadOnlyKey(TENANT)]: String(Date.now() - 1000) });

  it('answers a write of a read-only tenant with 402 payment_required', async () => {
    await expect(since.assertWritable('POST', '/v1/contacts', TENANT)).rejects.toMatchObject({ status: 402, code: 'payment_required' });
    await expect(since.assertWritable('DELETE', '/v1/contacts/:id', TENANT)).rejects.toMatchObject({ status: 402 });
  });
  it('lets reads, billing and the session through', async () => {
    await expect(since.assertWritable('GET', '/v1/contacts', TENANT)).resolves.toBeUndefined();
    await expect(since.assertWritable('POST', '/v1/billing/portal', TENANT)).resolves.toBeUndefined();
    await expect(since.assertWritable('POST', '/v1/auth/logout', TENANT)).resolves.toBeUndefined();
  });
  it('lets writes through during the grace period, in good standing, and when Redis does not answer', async () => {
    await expect(gateWith({ [billingReadOnlyKey(TENANT)]: String(Date.now() + 60_000) }).assertWritable('POST', '/v1/contacts', TENANT)).resolves.toBeUndefined();
    await expect(gateWith({}).assertWritable('POST', '/v1/contacts', TENANT)).resolves.toBeUndefined();
    await expect(gateWith({}, true).assertWritable('POST', '/v1/contacts', TENANT)).resolves.toBeUndefined();
  });
});
