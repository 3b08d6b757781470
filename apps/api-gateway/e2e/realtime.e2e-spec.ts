import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { api, e2eStack, freePort, newTenant, type TenantSession, testEnv } from '@engage/testing';

/**
 * `/v1/realtime` (SPEC section 4) over real sockets against the whole stack: the stack's gateway,
 * and a second gateway process started here from the same build with the same environment on
 * another port. Stream entries are produced end to end: notes on a contact the user owns become
 * `activity.created` entries in the owner's stream (activity-service → notification-service → NATS).
 */
jest.setTimeout(180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Frame = { type: string; seq?: number; data?: Record<string, unknown> };

class Client {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }
  static open(baseUrl: string): Promise<Client> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/realtime`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }
  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  /** The seqs of the event frames, in the order received. */
  get seqs(): number[] {
    return this.frames.filter((f) => f.type !== 'ready' && typeof f.seq === 'number').map((f) => f.seq!);
  }
  get last(): number {
    const seqs = this.seqs;
    return seqs.length ? seqs[seqs.length - 1] : (this.frames.find((f) => f.type === 'ready')?.seq ?? 0);
  }
  async until(check: () => boolean, what: string, ms = 60_000) {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frames: ${JSON.stringify(this.frames.slice(-5))}`);
      await sleep(25);
    }
  }
  async auth(token: string, after: number | null): Promise<number> {
    this.send({ type: 'auth', token, after });
    await this.until(() => this.frames.some((f) => f.type === 'ready'), 'ready', 20_000);
    return this.frames.find((f) => f.type === 'ready')!.seq!;
  }
  async closeCode(ms: number): Promise<number | 'open'> {
    return Promise.race([this.closed.then((c) => c.code), sleep(ms).then(() => 'open' as const)]);
  }
}

/** A second gateway process: the stack's build and environment, another port. */
class ExtraGateway {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  async start() {
    const state = JSON.parse(readFileSync(testEnv.e2eStateFile(), 'utf8')) as { env: Record<string, Record<string, string>> };
    const root = join(__dirname, '../../..');
    const fd = openSync(join(root, '.engage/logs', 'api-gateway-2.test.log'), 'a');
    this.child = spawn(process.execPath, [join(root, 'dist/apps/api-gateway/src/main.js')], {
      cwd: root,
      env: testEnv.childEnv({ ...state.env['api-gateway'], PORT: String(this.port) }),
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    for (let i = 0; i < 600; i++) {
      const res = await fetch(`${this.url}/health/live`).catch(() => null);
      if (res?.status === 200) return;
      await sleep(100);
    }
    throw new Error('the second gateway did not start');
  }
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
    this.child = null;
  }
}

describe('/v1/realtime', () => {
  const gateway = () => e2eStack.gatewayUrl();
  let second: ExtraGateway;
  let tenant: TenantSession;
  const clients: Client[] = [];
  const open = async (url = gateway()) => {
    const c = await Client.open(url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    second = new ExtraGateway(await freePort());
    [tenant] = await Promise.all([newTenant('Realtime'), second.start()]);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.ws.terminate();
  });
  afterAll(() => second?.stop());

  /** A contact the tenant's admin owns: every note on it enters the admin's stream. */
  async function ownContact(): Promise<string> {
    const res = await api<{ id: string }>('/v1/contacts', { token: tenant.accessToken, body: { first_name: 'Stream', last_name: 'Target' } });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  const note = async (contactId: string, body: string) => {
    const res = await api('/v1/activities', { token: tenant.accessToken, body: { type: 'note', contact_id: contactId, body } });
    expect(res.status).toBe(201);
  };

  it('closes with 4401 for a bad token and an API key, answers ping with pong, and closes a silent client with 4401 after 10 s', async () => {
    const bad = await open();
    bad.send({ type: 'auth', token: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln', after: null });
    expect(await bad.closeCode(5000)).toBe(4401);
    const key = await open();
    key.send({ type: 'auth', token: 'ek_0123456789abcdef', after: null });
    expect(await key.closeCode(5000)).toBe(4401);

    const silent = await open();
    const opened = Date.now();
    silent.send({ type: 'ping' });
    await silent.until(() => silent.frames.length === 1, 'pong', 5000);
    expect(silent.frames).toEqual([{ type: 'pong' }]);
    expect(await silent.closeCode(15_000)).toBe(4401);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(9_000);
  });

  it('closes an oversized frame with 1009 and garbage with 1008, while another socket of the same user carries on', async () => {
    const steady = await open();
    await steady.auth(tenant.accessToken, null);
    const big = await open();
    big.send({ type: 'ping', pad: 'x'.repeat(64 * 1024) });
    expect(await big.closeCode(5000)).toBe(1009);
    const garbage = await open();
    await garbage.auth(tenant.accessToken, null);
    garbage.send('\u0000 not json');
    expect(await garbage.closeCode(5000)).toBe(1008);
    steady.send({ type: 'ping' });
    await steady.until(() => steady.frames.at(-1)?.type === 'pong', 'pong');
    expect(await steady.closeCode(200)).toBe('open');
  });

  it('replays exactly the 100 entries a client missed, in order, then live ones; two gateways each deliver every entry once', async () => {
    const contactId = await ownContact();
    // A watcher on the second gateway and a client on the stack's gateway, both from the same point.
    const watcher = await open(second.url);
    const start = await watcher.auth(tenant.accessToken, null);
    const client = await open();
    expect(await client.auth(tenant.accessToken, start)).toBe(start);

    await note(contactId, 'before the drop');
    await client.until(() => client.seqs.length === 1, 'the first live entry');
    await watcher.until(() => watcher.seqs.length === 1, 'the first live entry on the second gateway');
    expect(client.frames.at(-1)).toMatchObject({ type: 'activity.created', seq: start + 1, data: { contact_id: contactId, body: 'before the drop' } });
    const lastSeen = client.last;
    client.ws.close();
    await client.closed;

    for (let i = 0; i < 100; i++) await note(contactId, `missed ${i}`);
    await watcher.until(() => watcher.seqs.length >= 101, '100 more entries on the watcher');

    const back = await open();
    const ready = await back.auth(tenant.accessToken, lastSeen);
    const expected = Array.from({ length: 100 }, (_, i) => lastSeen + 1 + i);
    expect(back.seqs).toEqual(expected);
    expect(ready).toBe(lastSeen + 100);
    expect(back.frames.filter((f) => f.type === 'activity.created').map((f) => f.data?.body)).toEqual(expected.map((_, i) => `missed ${i}`));

    await note(contactId, 'live again');
    await back.until(() => back.seqs.length === 101, 'the live entry after the replay');
    await watcher.until(() => watcher.seqs.length === 102, 'the live entry on the watcher');
    await sleep(500);
    expect(back.seqs).toEqual([...expected, lastSeen + 101]);
    // The watcher on the other gateway saw every seq once, in order.
    expect(watcher.seqs).toEqual(Array.from({ length: 102 }, (_, i) => start + 1 + i));
  });

  it('loses nothing when the gateway process a client was on restarts', async () => {
    const contactId = await ownContact();
    const client = await open(second.url);
    const start = await client.auth(tenant.accessToken, null);
    await note(contactId, 'before the restart');
    await client.until(() => client.last === start + 1, 'an entry before the restart');
    const lastSeen = client.last;

    await second.stop();
    // 1001 (going away), or 1006 when the process ends before the close frame is out.
    expect([1001, 1006]).toContain((await client.closed).code);
    for (let i = 0; i < 10; i++) await note(contactId, `during the restart ${i}`);
    await second.start();

    const back = await open(second.url);
    await back.auth(tenant.accessToken, lastSeen);
    // Entries still on their way through the services arrive live after the replay.
    await back.until(() => back.seqs.length >= 10, 'the ten entries made during the restart');
    await sleep(500);
    expect(back.seqs).toEqual(Array.from({ length: 10 }, (_, i) => lastSeen + 1 + i));
    await note(contactId, 'after the restart');
    await back.until(() => back.seqs.length === 11, 'a live entry after the restart');
  });
});
