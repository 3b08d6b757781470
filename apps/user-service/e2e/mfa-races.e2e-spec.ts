import { authenticator } from 'otplib';
import { api, newTenant, type TenantSession } from '@engage/testing';

/**
 * Issue 15, items 2 and 3: the second sign-in step under concurrent guessing. At most five codes
 * are judged per sign-in step however they arrive, and each recovery code works exactly once.
 */
jest.setTimeout(120_000);

type Step = { status: number; body: { mfa_token?: string; access_token?: string; message?: string } };

async function tenantWithMfa(): Promise<{ tenant: TenantSession; secret: string; recoveryCodes: string[] }> {
  const tenant = await newTenant('Mfa');
  const enrol = await api<{ secret: string }>('/v1/auth/mfa/enroll', { token: tenant.accessToken, method: 'POST' });
  const activated = await api<{ recovery_codes: string[] }>('/v1/auth/mfa/activate', {
    token: tenant.accessToken,
    body: { code: authenticator.generate(enrol.body.secret) },
  });
  if (activated.status !== 200) throw new Error(`activation failed: ${activated.status}`);
  return { tenant, secret: enrol.body.secret, recoveryCodes: activated.body.recovery_codes };
}

/** Password step: answers the mfa_token of a new sign-in step. */
async function passwordStep(tenant: TenantSession): Promise<string> {
  const res = await api<{ mfa_token: string }>('/v1/auth/login', { body: { tenant: tenant.slug, email: tenant.email, password: tenant.password } });
  if (res.status !== 200 || !res.body.mfa_token) throw new Error(`password step failed: ${res.status}`);
  return res.body.mfa_token;
}

const secondStep = (mfaToken: string, code: string) => api('/v1/auth/login/mfa', { body: { mfa_token: mfaToken, code } }) as Promise<Step>;

/** The activation spent this 30-second step's code; the next step's code is the one still good. */
const nextCode = (secret: string) => authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret);

/** A six-digit code that is not the right one for any step the server accepts now. */
function wrongCode(secret: string): string {
  const good = new Set([-30_000, 0, 30_000, 60_000].map((d) => authenticator.clone({ epoch: Date.now() + d }).generate(secret)));
  for (let n = 100000; ; n++) if (!good.has(String(n))) return String(n);
}

describe('MFA guesses on one sign-in step', () => {
  it('judges at most five of twelve concurrent wrong codes, and the step is over: the right code is refused afterwards', async () => {
    const { tenant, secret } = await tenantWithMfa();
    const mfaToken = await passwordStep(tenant);
    const wrong = wrongCode(secret);
    const guesses = await Promise.all(Array.from({ length: 12 }, () => secondStep(mfaToken, wrong)));
    expect(guesses.every((g) => g.status === 401)).toBe(true);
    expect(guesses.filter((g) => g.body.message === 'The code is not valid.').length).toBeLessThanOrEqual(5);
    expect((await secondStep(mfaToken, nextCode(secret))).status).toBe(401);
    // A new sign-in step is not affected.
    expect((await secondStep(await passwordStep(tenant), nextCode(secret))).status).toBe(200);
  });

  it('still accepts the right code after four wrong ones, one at a time', async () => {
    const { tenant, secret } = await tenantWithMfa();
    const mfaToken = await passwordStep(tenant);
    for (let i = 0; i < 4; i++) expect((await secondStep(mfaToken, wrongCode(secret))).status).toBe(401);
    const ok = await secondStep(mfaToken, nextCode(secret));
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toBeTruthy();
  });
});

describe('recovery codes', () => {
  it('lets one recovery code, sent to six sign-in steps at once, sign in exactly once, and never again', async () => {
    const { tenant, recoveryCodes } = await tenantWithMfa();
    const steps: string[] = [];
    for (let i = 0; i < 6; i++) steps.push(await passwordStep(tenant));
    const results = await Promise.all(steps.map((token) => secondStep(token, recoveryCodes[0])));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect((await secondStep(await passwordStep(tenant), recoveryCodes[0])).status).toBe(401);
  });

  it('spends two different codes used at once, both for good: neither comes back', async () => {
    const { tenant, recoveryCodes } = await tenantWithMfa();
    for (let round = 0; round < 3; round++) {
      const [c1, c2] = [recoveryCodes[2 * round], recoveryCodes[2 * round + 1]];
      const [t1, t2] = [await passwordStep(tenant), await passwordStep(tenant)];
      const both = await Promise.all([secondStep(t1, c1), secondStep(t2, c2)]);
      expect(both.map((r) => r.status)).toEqual([200, 200]);
      for (const spent of [c1, c2]) expect((await secondStep(await passwordStep(tenant), spent)).status).toBe(401);
    }
  });
});
