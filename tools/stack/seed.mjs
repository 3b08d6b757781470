// @ts-check
// Seeds the demo tenant through the public API, exactly as a new customer would sign up.
// Idempotent: a second run finds the tenant and logs in.
export const DEMO = {
  tenant: 'demo',
  company_name: 'Demo',
  full_name: 'Dana Demo',
  email: 'admin@demo.engage.test',
  password: 'Engage-demo-2026!',
};

/** @param {string} gatewayUrl */
export async function seedDemo(gatewayUrl) {
  /** @param {string} path @param {Record<string, string>} body */
  const post = (path, body) =>
    fetch(`${gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const login = () => post('/v1/auth/login', { tenant: DEMO.tenant, email: DEMO.email, password: DEMO.password });
  let res = await login();
  if (res.status === 200) return { created: false, tokens: await res.json() };
  const signup = await post('/v1/auth/signup', {
    company_name: DEMO.company_name,
    full_name: DEMO.full_name,
    email: DEMO.email,
    password: DEMO.password,
  });
  if (signup.status !== 201) throw new Error(`demo signup failed: ${signup.status} ${await signup.text()}`);
  const { tenant } = /** @type {{ tenant: { slug: string } }} */ (await signup.json());
  if (tenant.slug !== DEMO.tenant) throw new Error(`the slug "${DEMO.tenant}" belongs to another tenant (got "${tenant.slug}")`);
  res = await login();
  if (res.status !== 200) throw new Error(`demo login failed: ${res.status} ${await res.text()}`);
  return { created: true, tokens: await res.json() };
}
