// Seeds the demo tenant through the public API, exactly as a new customer would sign up.
// Idempotent: a second run finds the tenant and logs in.
export const DEMO = {
  tenant: 'demo',
  company_name: 'Demo',
  full_name: 'Dana Demo',
  email: 'admin@demo.engage.test',
  password: 'Engage-demo-2026!',
};

export async function seedDemo(gatewayUrl) {
  const post = (path, body) =>
    fetch(`${gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const signup = await post('/v1/auth/signup', {
    company_name: DEMO.company_name,
    full_name: DEMO.full_name,
    email: DEMO.email,
    password: DEMO.password,
  });
  if (signup.status !== 201 && signup.status !== 409) {
    throw new Error(`demo signup failed: ${signup.status} ${await signup.text()}`);
  }
  const login = await post('/v1/auth/login', { tenant: DEMO.tenant, email: DEMO.email, password: DEMO.password });
  if (login.status !== 200) throw new Error(`demo login failed: ${login.status} ${await login.text()}`);
  return { created: signup.status === 201, tokens: await login.json() };
}
