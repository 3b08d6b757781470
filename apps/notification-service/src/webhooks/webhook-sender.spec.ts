import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lookup } from './address-guard';
import { RESPONSE_BODY_MAX, WebhookSender } from './webhook-sender';

describe('WebhookSender', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ host: string | undefined; path: string | undefined }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ host: req.headers.host, path: req.url });
      req.resume();
      req.on('end', () => {
        if (req.url === '/redirect') {
          res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
          res.end();
        } else if (req.url === '/huge') {
          res.writeHead(200);
          // A receiver that would answer forever: only the first kilobyte is read.
          const chunk = Buffer.alloc(64 * 1024, 'x');
          const pump = () => {
            while (res.write(chunk));
          };
          res.on('drain', pump);
          pump();
        } else if (req.url === '/hang') {
          // never answers
        } else {
          res.writeHead(200, { 'retry-after': '7' });
          res.end('fine');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const fakeDns = (answers: Record<string, string>): Lookup => async (host) => {
    if (!answers[host]) throw Object.assign(new Error('no such host'), { code: 'ENOTFOUND' });
    return [{ address: answers[host], family: answers[host].includes(':') ? 6 : 4 }];
  };
  const send = (sender: WebhookSender, url: string, production = false, timeoutMs = 2000) =>
    sender.send({ url, body: '{}', headers: { 'webhook-id': 'msg_1' }, timeoutMs, production });

  it('connects to the vetted address while keeping the URL’s host name', async () => {
    const sender = new WebhookSender(fakeDns({ 'receiver.test': '127.0.0.1' }));
    const result = await send(sender, `http://receiver.test:${port}/ok`);
    expect(result).toMatchObject({ status: 200, body: 'fine', retryAfter: '7', error: null });
    expect(seen.at(-1)).toEqual({ host: `receiver.test:${port}`, path: '/ok' });
  });

  it('refuses internal targets under production settings, before connecting', async () => {
    const sender = new WebhookSender(fakeDns({ 'receiver.test': '127.0.0.1', 'metadata.test': '169.254.169.254', 'mapped.test': '::ffff:10.0.0.1' }));
    const before = seen.length;
    for (const url of [`http://receiver.test:${port}/ok`, 'http://metadata.test/latest', 'https://mapped.test/', `http://127.0.0.1:${port}/ok`, 'http://[::1]/']) {
      const result = await send(sender, url, true);
      expect(result).toMatchObject({ status: null, refused: true });
      expect(result.error).toMatch(/^refused: /);
    }
    expect(seen.length).toBe(before);
  });

  it('does not follow redirects: a 3xx is the answer', async () => {
    const result = await send(new WebhookSender(), `http://127.0.0.1:${port}/redirect`);
    expect(result.status).toBe(302);
  });

  it('reads at most 1 KB of an endless answer', async () => {
    const result = await send(new WebhookSender(), `http://127.0.0.1:${port}/huge`);
    expect(result.status).toBe(200);
    expect(result.body).toHaveLength(RESPONSE_BODY_MAX);
  });

  it('gives up on a receiver that never answers after the timeout', async () => {
    const result = await send(new WebhookSender(), `http://127.0.0.1:${port}/hang`, false, 200);
    expect(result).toMatchObject({ status: null, error: 'timed out after 200 ms' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(190);
    expect(result.latencyMs).toBeLessThan(1000);
  });

  it('records connection errors and unresolvable names', async () => {
    const closed = await send(new WebhookSender(), 'http://127.0.0.1:1/x');
    expect(closed.error).toMatch(/ECONNREFUSED/);
    const unknown = await send(new WebhookSender(fakeDns({})), 'http://nowhere.test/x');
    expect(unknown.error).toMatch(/ENOTFOUND/);
  });
});
