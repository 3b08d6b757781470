import { randomUUID } from 'node:crypto';
import { api, newTenant, STRONG_PASSWORD } from '@engage/testing';

/**
 * Issue 15, item 15 (users): an address that looks like a colleague's is the colleague's address.
 * Look-alikes are duplicates (409); a local part mixing scripts is refused (400).
 */
jest.setTimeout(60_000);

const createUser = (token: string, email: string) => api('/v1/users', { token, body: { email, full_name: 'Look Alike', role: 'rep', password: STRONG_PASSWORD } });

describe('look-alike user emails', () => {
  it('treats full-width, invisible-character, decomposed and other-script look-alikes as the same address (409)', async () => {
    const tenant = await newTenant('Lookalike');
    // Digits only: the look-alike of "ace" below must be one script before the @.
    const tag = String(Math.floor(Math.random() * 1e9));
    const ace = `ace.${tag}@example.test`;
    const jose = `jos\u00e9.${tag}@example.test`;
    expect((await createUser(tenant.accessToken, ace)).status).toBe(201);
    expect((await createUser(tenant.accessToken, jose)).status).toBe(201);
    const fullWidth = [...ace].map((c) => (/[a-z]/.test(c) ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('');
    const lookAlikes = [
      fullWidth,
      ace.replace('ace', 'a\u200bce'),
      ace.replace('ace', 'a\u00adce'),
      ace.replace('ace', '\u200dace\ufeff'),
      ace.replace('ace', '\u0430\u0441\u0435'), // Cyrillic а, с, е: one script, drawn like "ace"
      jose.normalize('NFD'),
      ace.toUpperCase(),
    ];
    for (const email of lookAlikes) {
      const res = await createUser(tenant.accessToken, email);
      expect({ email, status: res.status }).toEqual({ email, status: 409 });
      expect(res.body).toMatchObject({ error: 'duplicate' });
    }
  });

  it('refuses a local part that mixes scripts with 400, on create, update and signup', async () => {
    const tenant = await newTenant('Mixed');
    const mixed = `\u0430dmin-${randomUUID().slice(0, 6)}@example.test`; // Cyrillic а + Latin "dmin"
    const created = await createUser(tenant.accessToken, mixed);
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error: 'validation_failed', details: { fields: { email: expect.any(Array) } } });
    const patched = await api(`/v1/users/${tenant.userId}`, { token: tenant.accessToken, method: 'PATCH', body: { email: mixed } });
    expect(patched.status).toBe(400);
    const signup = await api('/v1/auth/signup', { body: { company_name: 'Spoof Co', full_name: 'Spoof', email: mixed, password: STRONG_PASSWORD } });
    expect(signup.status).toBe(400);
  });

  it('stores the cleaned address and signs in with any spelling of it', async () => {
    const tenant = await newTenant('Clean');
    const email = `clean-${randomUUID().slice(0, 6)}@example.test`;
    const created = await createUser(tenant.accessToken, email.replace('clean', 'cl\u200bean'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email });
    const login = await api('/v1/auth/login', { body: { tenant: tenant.slug, email: email.replace('clean', 'ＣＬＥＡＮ'), password: STRONG_PASSWORD } });
    expect(login.status).toBe(200);
  });

  it('refuses to move a user onto a look-alike of another user’s address (409)', async () => {
    const tenant = await newTenant('Move');
    const taken = `taken-${randomUUID().slice(0, 6)}@example.test`;
    const other = await api<{ id: string }>('/v1/users', { token: tenant.accessToken, body: { email: `other-${randomUUID().slice(0, 6)}@example.test`, full_name: 'O', role: 'rep', password: STRONG_PASSWORD } });
    expect((await createUser(tenant.accessToken, taken)).status).toBe(201);
    const moved = await api(`/v1/users/${other.body.id}`, { token: tenant.accessToken, method: 'PATCH', body: { email: taken.replace('taken', 'ta\u00adken') } });
    expect(moved.status).toBe(409);
  });
});
