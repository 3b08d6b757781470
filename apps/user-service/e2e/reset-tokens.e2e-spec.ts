import { api, linkToken, newTenant, newUser, nthMailTo, type TenantSession } from '@engage/testing';

/**
 * Issue 15, item 5: only the newest password-reset link of a user works. Issuing or using one
 * voids the others, and so does a change of the user's email address. The links are read from the
 * emails notification-service sends to the SMTP stand-in (ADR 0024: no event carries them).
 */
jest.setTimeout(120_000);

const RESET_MAILS = 'Reset your Engage password';
const INVITES = 'invited';

/** Reads the link tokens mailed to each address, in the order they were sent. */
function mailbox(subject: string) {
  const taken = new Map<string, number>();
  return {
    /** The next `count` links sent to `email` (waits up to 10 s for them). */
    async next(email: string, count = 1): Promise<string[]> {
      const from = taken.get(email) ?? 0;
      const links: string[] = [];
      for (let i = 1; i <= count; i++) links.push(linkToken(await nthMailTo(email, from + i, subject)));
      taken.set(email, from + count);
      return links;
    },
    close: () => undefined,
  };
}

const requestReset = (tenant: TenantSession, email: string) => api('/v1/auth/password-reset', { body: { tenant: tenant.slug, email } });
const confirm = (token: string, newPassword: string) => api('/v1/auth/password-reset/confirm', { body: { token, new_password: newPassword } });

describe('password-reset links', () => {
  it('voids an older link when a newer one is issued, and every other link once one is used', async () => {
    const tenant = await newTenant('Reset');
    const mails = mailbox(RESET_MAILS);
    await requestReset(tenant, tenant.email);
    const [first] = await mails.next(tenant.email, 1);
    await requestReset(tenant, tenant.email);
    const [second] = await mails.next(tenant.email, 1);
    mails.close();

    const older = await confirm(first, 'an older link passphrase 1');
    expect(older.status).toBe(400);
    expect(older.body).toMatchObject({ error: 'invalid_token' });
    expect((await confirm(second, 'the newest link passphrase 2')).status).toBe(200);
    expect((await confirm(first, 'an older link passphrase 3')).status).toBe(400);
  });

  it('lets exactly one of three links requested at once set the password, even when all are used at once', async () => {
    const tenant = await newTenant('Together');
    const mails = mailbox(RESET_MAILS);
    await Promise.all([1, 2, 3].map(() => requestReset(tenant, tenant.email)));
    const links = await mails.next(tenant.email, 3);
    mails.close();
    const results = await Promise.all(links.map((token, i) => confirm(token, `concurrent passphrase number ${i}`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(2);
  });

  it('voids open links when an admin changes the user’s email', async () => {
    const tenant = await newTenant('Moved');
    const rep = await newUser(tenant, 'rep');
    const mails = mailbox(RESET_MAILS);
    await requestReset(tenant, rep.email);
    const [link] = await mails.next(rep.email, 1);
    mails.close();
    const moved = await api(`/v1/users/${rep.id}`, { token: tenant.accessToken, method: 'PATCH', body: { email: `moved-${rep.email}` } });
    expect(moved.status).toBe(200);
    const res = await confirm(link, 'a passphrase for the old address');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_token' });
  });

  it('sends a pending invitation again to the new address when an invitee’s email is corrected', async () => {
    const tenant = await newTenant('Invite');
    const invites = mailbox(INVITES);
    const typo = `invitee-typo-${Date.now()}@example.test`;
    const fixed = `invitee-fixed-${Date.now()}@example.test`;
    const created = await api<{ id: string }>('/v1/users', { token: tenant.accessToken, body: { email: typo, full_name: 'New Person', role: 'rep' } });
    const [old] = await invites.next(typo, 1);
    expect((await api(`/v1/users/${created.body.id}`, { token: tenant.accessToken, method: 'PATCH', body: { email: fixed } })).status).toBe(200);
    const [fresh] = await invites.next(fixed, 1);
    invites.close();
    expect((await confirm(old, 'a passphrase for the typo address')).status).toBe(400);
    expect((await confirm(fresh, 'a passphrase for the right address')).status).toBe(200);
  });
});
