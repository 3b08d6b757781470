import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { api, newTenant, newUser, type TenantSession } from '@engage/testing';

/** Outbound webhooks through the gateway, to a receiver started by this spec (issue 19). */
jest.setTimeout(90_000);

type Endpoint = { id: string; url: string; events: string[]; active: boolean; secret?: string };
type Delivery = { id: string; webhook_id: string; event_type: string; status: string; attempts: number; response_status: number | null; latency_ms: number | null };
type Received = { body: string; headers: Record<string, string> };

async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('webhooks', () => {
  let tenant: TenantSession;
  let server: Server;
  let receiverUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    tenant = await newTenant('Hooks');
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])) });
        res.writeHead(200);
        res.end('thanks');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engage`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const deliveries = (id: string) => api<{ data: Delivery[] }>(`/v1/webhooks/${id}/deliveries`, { token: tenant.accessToken });

  it('delivers a contact created through the API, signed per Standard Webhooks; test event, log and redelivery', async () => {
    const created = await api<Endpoint>('/v1/webhooks', { token: tenant.accessToken, body: { url: receiverUrl, events: ['contact.*'], description: 'e2e receiver' } });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const endpoint = created.body;
    expect((await api<Endpoint>(`/v1/webhooks/${endpoint.id}`, { token: tenant.accessToken })).body).not.toHaveProperty('secret');

    const lastName = randomUUID();
    const contact = await api<{ id: string }>('/v1/contacts', { token: tenant.accessToken, body: { first_name: 'Hook', last_name: lastName } });
    expect(contact.status).toBe(201);
    await eventually(async () => received.length, (n) => n >= 1);
    const got = received.find((r) => r.body.includes(lastName));
    expect(got).toBeDefined();
    const payload = new Webhook(secret).verify(got!.body, got!.headers) as { type: string; timestamp: string; data: { contact: { id: string } } };
    expect(payload.type).toBe('contact.created');
    expect(payload.data.contact.id).toBe(contact.body.id);

    const log = await eventually(() => deliveries(endpoint.id), (r) => r.body.data?.[0]?.status === 'succeeded');
    expect(log.status).toBe(200);
    expect(log.body.data[0]).toMatchObject({ event_type: 'contact.created', status: 'succeeded', attempts: 1, response_status: 200, webhook_id: got!.headers['webhook-id'] });

    const test = await api<Delivery>(`/v1/webhooks/${endpoint.id}/test`, { token: tenant.accessToken, method: 'POST' });
    expect(test.status).toBe(202);
    expect(test.body.event_type).toBe('webhook.test');
    const tested = await eventually(async () => received.filter((r) => r.headers['webhook-id'] === test.body.webhook_id), (r) => r.length === 1);
    expect(new Webhook(secret).verify(tested[0].body, tested[0].headers)).toMatchObject({ type: 'webhook.test' });

    const first = log.body.data[0];
    const again = await api<Delivery>(`/v1/webhooks/${endpoint.id}/deliveries/${first.id}/redeliver`, { token: tenant.accessToken, method: 'POST' });
    expect(again.status).toBe(202);
    const twice = await eventually(async () => received.filter((r) => r.headers['webhook-id'] === first.webhook_id), (r) => r.length === 2);
    expect(twice).toHaveLength(2);
    const redelivered = await eventually(
      () => deliveries(endpoint.id),
      (r) => r.body.data.find((d) => d.id === first.id)?.attempts === 2,
    );
    expect(redelivered.body.data.find((d) => d.id === first.id)).toMatchObject({ status: 'succeeded', attempts: 2 });

    const rotated = await api<Endpoint>(`/v1/webhooks/${endpoint.id}/rotate-secret`, { token: tenant.accessToken, method: 'POST' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);

    const patched = await api<Endpoint>(`/v1/webhooks/${endpoint.id}`, { token: tenant.accessToken, method: 'PATCH', body: { events: ['deal.*'] } });
    expect(patched.status).toBe(200);
    expect(patched.body.events).toEqual(['deal.*']);
    expect((await api<{ data: Endpoint[] }>('/v1/webhooks', { token: tenant.accessToken })).body.data.map((e) => e.id)).toContain(endpoint.id);
    expect((await api(`/v1/webhooks/${endpoint.id}`, { token: tenant.accessToken, method: 'DELETE' })).status).toBe(204);
    expect((await api(`/v1/webhooks/${endpoint.id}`, { token: tenant.accessToken })).status).toBe(404);
  });

  it('lets managers in, keeps reps out, and hides other tenants’ endpoints', async () => {
    const manager = await newUser(tenant, 'manager');
    const rep = await newUser(tenant, 'rep');
    const created = await api<Endpoint>('/v1/webhooks', { token: manager.accessToken, body: { url: receiverUrl, events: ['*'] } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await api('/v1/webhooks', { token: rep.accessToken })).status).toBe(403);
    expect((await api('/v1/webhooks', { token: rep.accessToken, body: { url: receiverUrl, events: ['*'] } })).status).toBe(403);
    expect((await api(`/v1/webhooks/${id}/test`, { token: rep.accessToken, method: 'POST' })).status).toBe(403);

    const other = await newTenant('Hooks Other');
    for (const [path, method] of [
      [`/v1/webhooks/${id}`, 'GET'],
      [`/v1/webhooks/${id}`, 'DELETE'],
      [`/v1/webhooks/${id}/deliveries`, 'GET'],
      [`/v1/webhooks/${id}/rotate-secret`, 'POST'],
      [`/v1/webhooks/${id}/test`, 'POST'],
      [`/v1/webhooks/${id}/deliveries/${randomUUID()}/redeliver`, 'POST'],
    ] as const) {
      expect({ path, method, status: (await api(path, { token: other.accessToken, method })).status }).toEqual({ path, method, status: 404 });
    }
    expect((await api(`/v1/webhooks/${id}`, { token: other.accessToken, method: 'PATCH', body: { active: false } })).status).toBe(404);
    expect((await api(`/v1/webhooks/${id}`, { token: manager.accessToken, method: 'DELETE' })).status).toBe(204);
  });

  it('refuses bad input with 400', async () => {
    const bad = async (body: unknown) => (await api('/v1/webhooks', { token: tenant.accessToken, body })).status;
    expect(await bad({ url: 'ftp://example.com/x', events: ['*'] })).toBe(400);
    expect(await bad({ url: 'not a url', events: ['*'] })).toBe(400);
    expect(await bad({ url: 'https://user:pw@example.com/x', events: ['*'] })).toBe(400);
    expect(await bad({ url: 'https://example.com/x', events: ['contact.exploded'] })).toBe(400);
    expect(await bad({ url: 'https://example.com/x', events: ['user.*'] })).toBe(400);
    expect(await bad({ url: 'https://example.com/x', events: [] })).toBe(400);
    expect(await bad({ url: 'https://example.com/x' })).toBe(400);
    expect(await bad({ url: 'https://example.com/x', events: ['*'], secret: 'mine' })).toBe(400);
    expect((await api('/v1/webhooks/not-a-uuid', { token: tenant.accessToken })).status).toBe(400);
    expect((await api(`/v1/webhooks/${randomUUID()}/deliveries/nope/redeliver`, { token: tenant.accessToken, method: 'POST' })).status).toBe(400);
    expect((await api(`/v1/webhooks/${randomUUID()}/deliveries?status=lost`, { token: tenant.accessToken })).status).toBe(400);
    expect((await api(`/v1/webhooks/${randomUUID()}`, { token: tenant.accessToken })).status).toBe(404);
  });
});
