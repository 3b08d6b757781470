import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Services } from '@engage/contracts';
import { api, e2eStack, newTenant, type TenantSession } from '@engage/testing';
import { opsToken } from './test-support/ops-token';

/**
 * The suite's backbone seen from a client: context survives the hop to every service, and a
 * service that hangs or is down gives a clear 504 or 503 in the SPEC error format.
 */
jest.setTimeout(60_000);

/** Every service of the registry. */
const SERVICES = Object.values(Services).sort();

describe('gateway ↔ services', () => {
  let tenant: TenantSession;
  beforeAll(async () => {
    tenant = await newTenant('Backbone');
  });

  it('reaches every service over NATS with request id, tenant, user, role and traceparent intact', async () => {
    const requestId = `e2e-${randomUUID()}`;
    const traceparent = `00-${randomUUID().replace(/-/g, '')}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`;
    const res = await api<{ request_id: string; services: Array<Record<string, string>> }>('/v1/diagnostics/context', {
      token: tenant.accessToken,
      headers: { 'x-request-id': requestId, traceparent },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    expect(res.body.services.map((s) => s.service).sort()).toEqual(SERVICES);
    for (const seen of res.body.services) {
      expect(seen).toMatchObject({ request_id: requestId, tenant_id: tenant.tenantId, user_id: tenant.userId, role: 'admin', traceparent });
    }
  });

  it('reports every service in /health/details (operators) and only the status in /health', async () => {
    const res = await api<{ status: string; services: Record<string, { status: string }> }>('/health/details', { token: opsToken() });
    expect(res.status).toBe(200);
    expect((await api('/health')).body).toEqual({ status: 'ok' });
    expect(Object.keys(res.body.services).sort()).toEqual(SERVICES);
    expect(Object.values(res.body.services).every((s) => s.status === 'up')).toBe(true);
  });

  it('answers 504 timeout when a service holds the request past its timeout', async () => {
    e2eStack.pause('telephony-service');
    try {
      const res = await api('/v1/diagnostics/context', { token: tenant.accessToken });
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({ error: 'timeout', request_id: expect.any(String), timestamp: expect.any(String) });
    } finally {
      e2eStack.resume('telephony-service');
    }
  });

  it('answers 503 unavailable when a service is down, and recovers when it is back', async () => {
    await e2eStack.stop('activity-service');
    try {
      const down = await api('/v1/diagnostics/context', { token: tenant.accessToken });
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ error: 'unavailable', message: expect.stringContaining('activity') });
      const health = await api<{ services: Record<string, { status: string }> }>('/health/details', { token: opsToken() });
      expect(health.status).toBe(503);
      expect(health.body.services['activity-service'].status).toBe('down');
      const summary = await api('/health');
      expect([summary.status, summary.body]).toEqual([503, { status: 'degraded' }]);
    } finally {
      await e2eStack.start('activity-service');
    }
    const back = await api('/v1/diagnostics/context', { token: tenant.accessToken });
    expect(back.status).toBe(200);
  });
});

describe('HTTP edge', () => {
  it('gives every response an X-Request-Id, generating one when the client sent none', async () => {
    const res = await api('/health/live');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400 in the error format', async () => {
    const res = await api('/v1/auth/login', { method: 'POST', rawBody: '{"tenant": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_request', request_id: res.headers.get('x-request-id') });
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    // The gateway answers from Content-Length alone and stops reading: the client announces 2 MB,
    // sends the first bytes and waits for the answer (writing on into a closed socket can lose it).
    const size = 2_000_000;
    const res = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = httpRequest(`${e2eStack.gatewayUrl()}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': size } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          resolve({ status: answer.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          req.destroy();
        });
        answer.on('error', reject);
      });
      req.on('error', reject);
      req.write('{"tenant":"');
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'payload_too_large' });
  });

  it('answers an unknown route with 404 not_found', async () => {
    const res = await api('/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found' });
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = await api<{ openapi: string; paths: Record<string, unknown> }>('/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/auth/login', '/v1/users/{id}', '/v1/me']));
    const page = await api('/docs');
    expect(page.status).toBe(200);
  });

  it('refuses requests without a token on protected routes with 401', async () => {
    const res = await api('/v1/me');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'unauthorized' });
  });
});
