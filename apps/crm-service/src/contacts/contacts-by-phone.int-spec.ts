import { systemContext } from '@engage/context';
import { domainError } from '@engage/testing/kit';
import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';

/** `crm.contacts.find_by_phone`: how telephony matches an inbound text to the contacts that carry the sender's number. */
describe('finding contacts by phone number', () => {
  let kit: CrmKit;

  beforeAll(async () => {
    kit = await startCrmKit();
  });
  afterAll(() => kit.close());

  it('finds the live contacts carrying the number, whatever format it was entered in', async () => {
    const ctx = kit.newTenant();
    const pat = await kit.contacts.create(ctx, { first_name: 'Pat', phones: [{ number: '(415) 555-0142', country: 'US' }] });
    const sam = await kit.contacts.create(ctx, { first_name: 'Sam', phones: [{ number: '+1 628 555 0100' }, { number: '+14155550142', is_primary: false }], allow_duplicate: true });
    await kit.contacts.create(ctx, { first_name: 'Other', phones: [{ number: '+14155550143' }] });
    const found = await kit.contacts.findByPhone(ctx, '+14155550142');
    expect(found.data.map((c) => c.id)).toEqual([pat.id, sam.id]);
    expect(found.data[0]).toEqual(pat);
    expect((await kit.contacts.findByPhone(ctx, '+14155550199')).data).toEqual([]);
  });

  it('leaves out deleted contacts and never returns another tenant’s', async () => {
    const ctx = kit.newTenant();
    const gone = await kit.contacts.create(ctx, { first_name: 'Gone', phones: [{ number: '+14155550144' }] });
    await kit.contacts.delete(ctx, { id: gone.id });
    expect((await kit.contacts.findByPhone(ctx, '+14155550144')).data).toEqual([]);
    const owner = kit.newTenant();
    await kit.contacts.create(owner, { first_name: 'Mine', phones: [{ number: '+14155550145' }] });
    expect((await kit.contacts.findByPhone(kit.newTenant(), '+14155550145')).data).toEqual([]);
  });

  it('answers a service acting for the tenant (no user, no role), and needs a tenant', async () => {
    const ctx = kit.newTenant();
    const pat = await kit.contacts.create(ctx, { first_name: 'Pat', phones: [{ number: '+14155550146' }] });
    const service = systemContext({ tenantId: ctx.tenantId });
    expect((await kit.contacts.findByPhone(service, '+14155550146')).data.map((c) => c.id)).toEqual([pat.id]);
    expect((await domainError(kit.contacts.findByPhone(systemContext(), '+14155550146'))).status).toBe(401);
  });

  it('refuses a number that is not a phone number with 400', async () => {
    const error = await domainError(kit.contacts.findByPhone(kit.newTenant(), '+1555'));
    expect(error).toMatchObject({ status: 400, details: { fields: { phone: [expect.any(String)] } } });
  });
});
