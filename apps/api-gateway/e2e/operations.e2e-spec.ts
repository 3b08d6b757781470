import { api, newTenant } from '@engage/testing';
import { opsToken } from './test-support/ops-token';

/**
 * What the gateway tells strangers about itself: `/health` only says whether it is up; versions,
 * memory, uptime and Node's metrics need the operations token; the docs page is locked down
 * against script injection and MIME sniffing.
 */
jest.setTimeout(60_000);

describe('operations endpoints', () => {
  it('answers /health with its status only', async () => {
    const res = await api('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('refuses /metrics and /health/details without the ops token, or with a wrong one or a user token', async () => {
    for (const path of ['/metrics', '/health/details']) {
      const anonymous = await api(path);
      expect([path, anonymous.status, anonymous.body]).toMatchObject([path, 401, { error: 'unauthorized' }]);
      expect(JSON.stringify(anonymous.body)).not.toMatch(/nodejs|heap|uptime|version/i);
      const wrong = await api(path, { token: `${opsToken()}x` });
      expect([path, wrong.status]).toEqual([path, 401]);
    }
    const admin = await newTenant('Ops');
    expect((await api('/metrics', { token: admin.accessToken })).status).toBe(401);
  });

  it('serves /metrics and /health/details with the ops token', async () => {
    const metrics = await api<string>('/metrics', { token: opsToken() });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('nodejs_version_info');
    const details = await api<{ status: string; services: Record<string, { status: string }> }>('/health/details', { token: opsToken() });
    expect(details.status).toBe(200);
    expect(details.body.status).toBe('ok');
    expect(Object.keys(details.body.services).length).toBeGreaterThan(0);
  });

  it('keeps the operations endpoints out of the public API document', async () => {
    const doc = await api<{ paths: Record<string, unknown> }>('/docs/openapi.json');
    expect(Object.keys(doc.body.paths)).not.toEqual(expect.arrayContaining(['/metrics']));
    expect(Object.keys(doc.body.paths)).not.toContain('/health/details');
  });

  it('serves a document that names its server and marks public operations as needing no credential', async () => {
    type Doc = { servers: Array<{ url: string }>; paths: Record<string, Record<string, { summary?: string; security?: unknown[] }>> };
    const doc = await api<Doc>('/docs/openapi.json');
    expect(doc.body.servers.length).toBeGreaterThan(0);
    expect(doc.body.paths['/v1/auth/login'].post.security).toEqual([]);
    expect(doc.body.paths['/health'].get.security).toEqual([]);
    expect(doc.body.paths['/v1/me'].get.security).toEqual([{ bearer: [] }]);
    const withoutSummary = Object.entries(doc.body.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => !op.summary).map(([m]) => `${m} ${path}`));
    expect(withoutSummary).toEqual([]);
  });

  it('serves /docs with a Content-Security-Policy and nosniff', async () => {
    for (const path of ['/docs', '/docs/openapi.json', '/docs/swagger-ui-init.js']) {
      const res = await api(path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("connect-src 'self'");
    }
  });
});
