import { api, e2eStack, newTenant, type TenantSession } from '@engage/testing';

/**
 * Request bodies an attacker crafts: JSON nested deep enough to exhaust the stack of whatever
 * walks it, and bodies of a type the route does not take (a CSV or a form on a JSON route). Each
 * is a clear 4xx in the error format, before the body is parsed, signed in or not.
 */
jest.setTimeout(60_000);

const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('JSON nesting depth', () => {
  let tenant: TenantSession;
  beforeAll(async () => {
    tenant = await newTenant('Bodies');
  });

  it('refuses JSON nested 5,000 deep on the unauthenticated login route with 400 bad_request', async () => {
    const body = `{"tenant":"x","email":"a@b.test","password":${nested(5000)}}`;
    const res = await api('/v1/auth/login', { rawBody: body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining('nested'), request_id: res.headers.get('x-request-id') });
  });

  it('refuses deeply nested arrays and objects on authenticated routes with 400', async () => {
    for (const body of [`{"first_name":"Deep","custom_fields":${nested(10_000)}}`, `{"first_name":"Deep","emails":${nestedArrays(10_000)}}`]) {
      const res = await api('/v1/contacts', { token: tenant.accessToken, rawBody: body, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'bad_request' });
    }
  });

  it('counts brackets inside strings as text, not nesting', async () => {
    const res = await api<{ first_name: string }>('/v1/contacts', {
      token: tenant.accessToken,
      rawBody: JSON.stringify({ first_name: '{'.repeat(100) + '[\\"'.repeat(20) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(201);
    expect(res.body.first_name).toBe('{'.repeat(100) + '[\\"'.repeat(20));
  });

  it('still refuses prototype poisoning with 400', async () => {
    const res = await api('/v1/auth/login', { rawBody: '{"tenant":"x","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_request' });
  });
});

describe('body types', () => {
  let tenant: TenantSession;
  beforeAll(async () => {
    tenant = await newTenant('Media');
  });

  it('answers a CSV body on a JSON route with 415 unsupported_media_type', async () => {
    const res = await api('/v1/contacts', { token: tenant.accessToken, rawBody: 'first_name\nAda\n', headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ error: 'unsupported_media_type', request_id: res.headers.get('x-request-id'), timestamp: expect.any(String) });
  });

  it('does not let a 20 MB CSV body past the JSON route’s limit', async () => {
    const res = await api('/v1/auth/login', { rawBody: 'a,b\n'.repeat(5_000_000), headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('refuses a form-urlencoded login with 415 (forms are for provider webhooks only)', async () => {
    const res = await api('/v1/auth/login', {
      rawBody: new URLSearchParams({ tenant: tenant.slug, email: tenant.email, password: tenant.password }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('refuses text/plain and multipart bodies on JSON routes with 415', async () => {
    const plain = await api('/v1/contacts', { token: tenant.accessToken, rawBody: '{"first_name":"Ada"}', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    const form = new FormData();
    form.append('first_name', 'Ada');
    const res = await fetch(`${e2eStack.gatewayUrl()}/v1/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.accessToken}` },
      body: form,
    });
    expect(res.status).toBe(415);
  });

  it('accepts JSON with a charset parameter, and a login in JSON', async () => {
    const res = await api('/v1/auth/login', {
      rawBody: JSON.stringify({ tenant: tenant.slug, email: tenant.email, password: tenant.password }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(200);
  });

  it('still takes a CSV body on the import route', async () => {
    const res = await api<{ job_id: string }>('/v1/contacts/import', {
      token: tenant.accessToken,
      rawBody: 'first_name,email\nAda,ada-media@e2e.test\n',
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    expect(res.status).toBe(202);
    expect(res.body.job_id).toEqual(expect.any(String));
  });
});
