import { MATCH_EMAILS_MAX } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { domainError } from '@engage/testing/kit';
import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';

type Match = { email: string; contact_id: string };
const byEmailThenContact = (matches: Match[]): Match[] =>
  [...matches].sort((a, b) => a.email.localeCompare(b.email) || a.contact_id.localeCompare(b.contact_id));

/** `crm.contacts.match_emails`: how a mailbox sync finds the contacts behind a page of messages' participants. */
describe('matching email addresses to contacts', () => {
  let kit: CrmKit;

  beforeAll(async () => {
    kit = await startCrmKit();
  });
  afterAll(() => kit.close());

  it('matches an address however it is cased, padded or disguised (invisible characters, lookalike letters, full-width)', async () => {
    const ctx = kit.newTenant();
    const ada = await kit.contacts.create(ctx, { first_name: 'Ada', emails: ['Ada.Lovelace@Example.com'] });
    // Stored with a Cyrillic `о` and a zero-width space: matched by its plain Latin form.
    const john = await kit.contacts.create(ctx, { first_name: 'John', emails: ['j\u043eh\u200bn@example.com'] });
    // Stored with a precomposed accent: matched by the decomposed spelling (e + U+0301).
    const jose = await kit.contacts.create(ctx, { first_name: 'José', emails: ['José@example.com'] });
    await kit.contacts.create(ctx, { first_name: 'Other', emails: ['someone.else@example.com'] });

    for (const variant of [
      'ada.lovelace@example.com',
      'ADA.LOVELACE@EXAMPLE.COM',
      '  Ada.Lovelace@example.com\t',
      'ada.love\u200blace@exam\u00adple.com',
      '\u0430d\u0430.lovel\u0430ce@ex\u0430mple.com',
      '\uff41\uff44\uff41.lovelace@example.com',
    ]) {
      expect({ variant, reply: await kit.contacts.matchEmails(ctx, [variant]) }).toEqual({ variant, reply: { matches: [{ email: 'ada.lovelace@example.com', contact_id: ada.id }] } });
    }
    expect(await kit.contacts.matchEmails(ctx, ['John@Example.com'])).toEqual({ matches: [{ email: 'john@example.com', contact_id: john.id }] });
    expect(await kit.contacts.matchEmails(ctx, ['JOSE\u0301@example.com'])).toEqual({ matches: [{ email: 'jos\u00e9@example.com', contact_id: jose.id }] });
    // Several spellings of one address in one request: one match, not one per spelling.
    expect(await kit.contacts.matchEmails(ctx, ['ada.lovelace@example.com', 'ADA.LOVELACE@example.com', 'nobody@example.com'])).toEqual({
      matches: [{ email: 'ada.lovelace@example.com', contact_id: ada.id }],
    });
    // A different address that merely contains the same letters is not a match.
    expect(await kit.contacts.matchEmails(ctx, ['ada.lovelace@example.co', 'lovelace@example.com'])).toEqual({ matches: [] });
  });

  it('returns every contact behind an address and every address of a contact', async () => {
    const ctx = kit.newTenant();
    const grace = await kit.contacts.create(ctx, { first_name: 'Grace', emails: ['grace@navy.example', 'g.hopper@work.example'] });
    const shared1 = await kit.contacts.create(ctx, { first_name: 'Front', emails: ['sales@acme.example'] });
    const shared2 = await kit.contacts.create(ctx, { first_name: 'Desk', emails: ['Sales@Acme.example'], allow_duplicate: true });
    const reply = await kit.contacts.matchEmails(ctx, ['grace@navy.example', 'G.Hopper@work.example', 'sales@acme.example', 'stranger@acme.example']);
    expect(byEmailThenContact(reply.matches)).toEqual(
      byEmailThenContact([
        { email: 'grace@navy.example', contact_id: grace.id },
        { email: 'g.hopper@work.example', contact_id: grace.id },
        { email: 'sales@acme.example', contact_id: shared1.id },
        { email: 'sales@acme.example', contact_id: shared2.id },
      ]),
    );
  });

  it('takes a full request of the most addresses allowed', async () => {
    const ctx = kit.newTenant();
    const pat = await kit.contacts.create(ctx, { first_name: 'Pat', emails: ['pat@example.com'] });
    const emails = Array.from({ length: MATCH_EMAILS_MAX - 1 }, (_, i) => `person${i}@example.com`);
    emails.push('PAT@example.com');
    expect(await kit.contacts.matchEmails(ctx, emails)).toEqual({ matches: [{ email: 'pat@example.com', contact_id: pat.id }] });
  });

  it('leaves out deleted contacts and never matches another tenant’s', async () => {
    const ctx = kit.newTenant();
    const gone = await kit.contacts.create(ctx, { first_name: 'Gone', emails: ['gone@example.com'] });
    expect((await kit.contacts.matchEmails(ctx, ['gone@example.com'])).matches).toEqual([{ email: 'gone@example.com', contact_id: gone.id }]);
    await kit.contacts.delete(ctx, { id: gone.id });
    expect(await kit.contacts.matchEmails(ctx, ['gone@example.com'])).toEqual({ matches: [] });

    const owner = kit.newTenant();
    const mine = await kit.contacts.create(owner, { first_name: 'Mine', emails: ['mine@example.com'] });
    const stranger = kit.newTenant();
    expect(await kit.contacts.matchEmails(stranger, ['mine@example.com'])).toEqual({ matches: [] });
    expect(await kit.contacts.matchEmails(systemContext({ tenantId: stranger.tenantId }), ['mine@example.com'])).toEqual({ matches: [] });
    // The same address in two tenants: each tenant sees its own contact only.
    const theirs = await kit.contacts.create(stranger, { first_name: 'Theirs', emails: ['Mine@example.com'] });
    expect(await kit.contacts.matchEmails(owner, ['mine@example.com'])).toEqual({ matches: [{ email: 'mine@example.com', contact_id: mine.id }] });
    expect(await kit.contacts.matchEmails(stranger, ['mine@example.com'])).toEqual({ matches: [{ email: 'mine@example.com', contact_id: theirs.id }] });
  });

  it('answers a service acting for the tenant (no user, no role) and any role that reads contacts; refuses a user without one; needs a tenant', async () => {
    const ctx = kit.newTenant();
    const pat = await kit.contacts.create(ctx, { first_name: 'Pat', emails: ['pat@example.com'] });
    const expected = { matches: [{ email: 'pat@example.com', contact_id: pat.id }] };
    expect(await kit.contacts.matchEmails(systemContext({ tenantId: ctx.tenantId }), ['pat@example.com'])).toEqual(expected);
    expect(await kit.contacts.matchEmails(kit.as(ctx, 'rep'), ['pat@example.com'])).toEqual(expected);
    expect(await kit.contacts.matchEmails(kit.as(ctx, 'manager'), ['pat@example.com'])).toEqual(expected);
    expect((await domainError(kit.contacts.matchEmails({ ...ctx, role: null }, ['pat@example.com']))).status).toBe(403);
    expect((await domainError(kit.contacts.matchEmails(systemContext(), ['pat@example.com']))).status).toBe(401);
  });

  it('answers an empty list, or one without any address, with no matches', async () => {
    const ctx = kit.newTenant();
    await kit.contacts.create(ctx, { first_name: 'Pat', emails: ['pat@example.com'] });
    expect(await kit.contacts.matchEmails(ctx, [])).toEqual({ matches: [] });
    expect(await kit.contacts.matchEmails(ctx, ['', '   ', 'pat', 'pat at example.com', '\u200b'])).toEqual({ matches: [] });
  });
});
