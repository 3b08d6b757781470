import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { type JWK, SignJWT } from 'jose';
import { connect, type NatsConnection } from 'nats';
import WebSocket from 'ws';
import { loadConfig } from '@engage/config';
import { AuthRedisKeys, ContextHeader, type ReadStreamReply, type ReadStreamRequest, realtimeSubject, type StreamEntry } from '@engage/contracts';
import { createLogger } from '@engage/logging';
import { decodeJson, encodeJson } from '@engage/messaging';
import { NatsServerProcess, testEnv } from '@engage/testing';
import { createGateway } from '../bootstrap';
import { GatewayConfig } from '../config';
import { UserStreams } from './user-streams';

/**
 * `/v1/realtime` on two real gateway processes' worth of applications (each its own Nest app, HTTP
 * server and NATS connection, sharing nothing but NATS and Redis), over real sockets, with a
 * private NATS server on which this test plays user-service (the signing keys) and
 * notification-service (the stream store, its reads and its live publishes).
 */
jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Frame = { type: string; seq?: number; data?: Record<string, unknown> };

/** A test client: every frame it received, and how it was closed. */
class Client {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }
  static open(port: number, options: WebSocket.ClientOptions = {}): Promise<Client> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime`, options);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }
  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  get seqs() {
    return this.frames.filter((f) => f.type !== 'ready' && f.seq !== undefined).map((f) => f.seq);
  }
  async until(check: () => boolean, ms = 5000) {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(this.frames.map((f) => f.seq ?? f.type))}`);
      await sleep(10);
    }
  }
  /** Authenticates and waits for ready. */
  async auth(token: string, after: number | null) {
    this.send({ type: 'auth', token, after });
    await this.until(() => this.frames.some((f) => f.type === 'ready'));
  }
  /** Resolves with the close code within `ms`, or 'open'. */
  async closeCode(ms = 3000): Promise<number | 'open'> {
    return Promise.race([this.closed.then((c) => c.code), sleep(ms).then(() => 'open' as const)]);
  }
}

describe('/v1/realtime over real sockets, two gateways', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let redis: Redis;
  const apps: NestFastifyApplication[] = [];
  const ports: number[] = [];
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = randomUUID();
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'EdDSA', use: 'sig' };
  /** notification-service's store: each user's entries. */
  const streams = new Map<string, StreamEntry[]>();
  let readCount = 0;
  const tenantId = randomUUID();
  const clients: Client[] = [];

  const sign = (userId: string, expiresInS = 900) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tid: tenantId, role: 'rep', iat_ms: Date.now() })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuer('engage')
      .setIssuedAt(now)
      .setExpirationTime(now + expiresInS)
      .sign(privateKey);
  };

  /** Stores `n` entries for the user and publishes them live (unless `publish` is false: a lost publish). */
  const emit = (userId: string, n: number, { publish = true } = {}) => {
    const list = streams.get(userId) ?? [];
    streams.set(userId, list);
    for (let i = 0; i < n; i++) {
      const entry: StreamEntry = { type: 'notification', seq: list.length + 1, data: { n: list.length + 1 } };
      list.push(entry);
      if (publish) nc.publish(realtimeSubject(userId), encodeJson(entry));
    }
  };

  const open = async (port: number, options: WebSocket.ClientOptions = {}) => {
    const c = await Client.open(port, options);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url });
    redis = new Redis(testEnv.redisUrl());
    nc.subscribe('user.auth.jwks', { callback: (_e, msg) => msg.respond(encodeJson({ data: { keys: [jwk] } })) });
    nc.subscribe('notification.stream.read', {
      callback: (_e, msg) => {
        readCount++;
        const userId = msg.headers?.get(ContextHeader.userId) ?? '';
        const { after, limit = 100 } = decodeJson<ReadStreamRequest>(msg.data);
        const list = streams.get(userId) ?? [];
        const latest = list.length;
        const reply: ReadStreamReply =
          (after ?? 0) > latest
            ? { entries: [], latest_seq: latest, has_more: false, reset: true }
            : { entries: list.slice(after ?? 0, (after ?? 0) + Math.min(limit, 50)), latest_seq: latest, has_more: (after ?? 0) + Math.min(limit, 50) < latest, reset: false };
        msg.respond(encodeJson({ data: reply }));
      },
    });
    await nc.flush();
    for (let i = 0; i < 2; i++) {
      const config = loadConfig(GatewayConfig, {
        NATS_URL: nats.url,
        REDIS_URL: testEnv.redisUrl(),
        LOG_LEVEL: 'silent',
        REALTIME_AUTH_TIMEOUT_MS: '400',
        REALTIME_REAUTH_TIMEOUT_MS: '600',
        REALTIME_REVOCATION_CHECK_MS: '200',
        REALTIME_MAX_FRAME_BYTES: '4096',
        REALTIME_HEARTBEAT_MS: '300',
      });
      const app = await createGateway(config, createLogger({ service: 'realtime-test', level: 'silent' }), { docs: false });
      await app.listen(0, '127.0.0.1');
      apps.push(app);
      ports.push((app.getHttpServer().address() as AddressInfo).port);
    }
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.ws.terminate();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await nc?.close();
    redis?.disconnect();
    await nats?.stop();
  });

  it('refuses a bad token, an API key and a silent client with 4401, and answers ping with pong', async () => {
    const bad = await open(ports[0]);
    bad.send({ type: 'auth', token: 'not-a-token', after: null });
    expect(await bad.closeCode()).toBe(4401);
    const key = await open(ports[0]);
    key.send({ type: 'auth', token: `ek_${randomUUID()}`, after: null });
    expect(await key.closeCode()).toBe(4401);
    const expired = await open(ports[0]);
    expired.send({ type: 'auth', token: await sign(randomUUID(), -60), after: null });
    expect(await expired.closeCode()).toBe(4401);
    const silent = await open(ports[0]);
    silent.send({ type: 'ping' });
    await silent.until(() => silent.frames.length === 1);
    expect(silent.frames).toEqual([{ type: 'pong' }]);
    expect(await silent.closeCode()).toBe(4401);
  });

  it('closes an oversized frame with 1009 and garbage with 1008, and another socket of the same user carries on', async () => {
    const user = randomUUID();
    const token = await sign(user);
    const steady = await open(ports[0]);
    await steady.auth(token, null);
    const big = await open(ports[0]);
    await big.auth(token, null);
    big.send({ type: 'ping', pad: 'x'.repeat(5000) });
    expect(await big.closeCode()).toBe(1009);
    const garbage = await open(ports[0]);
    await garbage.auth(token, null);
    garbage.send('{not json');
    expect(await garbage.closeCode()).toBe(1008);
    const flood = await open(ports[0]);
    for (let i = 0; i < 50; i++) flood.send({ type: 'ping' });
    expect(await flood.closeCode()).toBe(1008);

    emit(user, 2);
    await steady.until(() => steady.seqs.length === 2);
    steady.send({ type: 'ping' });
    await steady.until(() => steady.frames.at(-1)?.type === 'pong');
    expect(steady.seqs).toEqual([1, 2]);
  });

  it('delivers each entry once, in order, to sockets of one user on two gateways, with one subscription per gateway', async () => {
    const user = randomUUID();
    const token = await sign(user);
    const [a1, a2, b] = [await open(ports[0]), await open(ports[0]), await open(ports[1])];
    await Promise.all([a1.auth(token, 0), a2.auth(token, 0), b.auth(token, 0)]);
    expect([apps[0].get(UserStreams).socketsOf(user), apps[1].get(UserStreams).socketsOf(user)]).toEqual([2, 1]);
    emit(user, 30);
    const all = Array.from({ length: 30 }, (_, i) => i + 1);
    for (const c of [a1, a2, b]) await c.until(() => c.seqs.length >= 30);
    await sleep(100);
    for (const c of [a1, a2, b]) expect(c.seqs).toEqual(all);

    // The last socket of the user on a gateway drops that gateway's subscription.
    b.ws.close();
    await b.closed;
    await sleep(50);
    expect([apps[0].get(UserStreams).socketsOf(user), apps[1].get(UserStreams).socketsOf(user)]).toEqual([2, 0]);
  });

  it('replays what a client missed while away, then goes live; fills a gap left by a lost publish', async () => {
    const user = randomUUID();
    const token = await sign(user);
    emit(user, 5);
    const first = await open(ports[0]);
    await first.auth(token, 2);
    expect(first.frames).toEqual([...[3, 4, 5].map((n) => ({ type: 'notification', seq: n, data: { n } })), { type: 'ready', seq: 5 }]);
    first.ws.close();
    await first.closed;

    // Away: 120 entries (more than two pages).
    emit(user, 120);
    const back = await open(ports[1]);
    await back.auth(token, 5);
    expect(back.seqs).toEqual(Array.from({ length: 120 }, (_, i) => i + 6));
    expect(back.frames.at(-1)).toEqual({ type: 'ready', seq: 125 });

    // Live; then three publishes are lost, and the next one reveals the gap.
    emit(user, 1);
    emit(user, 3, { publish: false });
    const reads = readCount;
    emit(user, 1);
    await back.until(() => back.seqs.length === 125);
    expect(back.seqs.slice(120)).toEqual([126, 127, 128, 129, 130]);
    expect(readCount).toBe(reads + 1);

    // A future `after` is a reset.
    const ahead = await open(ports[0]);
    await ahead.auth(token, 9999);
    expect(ahead.frames).toEqual([{ type: 'reset' }, { type: 'ready', seq: 130 }]);
  });

  it('closes within seconds with 4401 when the user is deactivated or the token revoked', async () => {
    const deactivated = randomUUID();
    const a = await open(ports[1]);
    await a.auth(await sign(deactivated), null);
    nc.publish(
      'evt.user.user.deactivated',
      encodeJson({ id: randomUUID(), type: 'evt.user.user.deactivated', tenant_id: tenantId, aggregate_type: 'user', aggregate_id: deactivated, payload: { user_id: deactivated } }),
    );
    expect(await a.closeCode(2000)).toBe(4401);

    const revoked = randomUUID();
    const b = await open(ports[0]);
    await b.auth(await sign(revoked), null);
    await sleep(300);
    await redis.set(AuthRedisKeys.revokedUserBefore(revoked), String(Date.now() + 1), 'EX', 60);
    expect(await b.closeCode(2000)).toBe(4401);
  });

  it('cuts a connection that stops answering protocol pings', async () => {
    const dead = await open(ports[0], { autoPong: false });
    await dead.auth(await sign(randomUUID()), null);
    const alive = await open(ports[0]);
    await alive.auth(await sign(randomUUID()), null);
    expect(await dead.closeCode(2000)).toBe(1006);
    expect(await alive.closeCode(500)).toBe('open');
  });

  it('asks for reauth when the token expires; a fresh token keeps the socket, silence closes it with 4401', async () => {
    const user = randomUUID();
    const kept = await open(ports[0]);
    await kept.auth(await sign(user, 2), null);
    const dropped = await open(ports[1]);
    await dropped.auth(await sign(user, 2), null);
    await kept.until(() => kept.frames.some((f) => f.type === 'reauth'), 5000);
    kept.send({ type: 'auth', token: await sign(user), after: null });
    expect(await dropped.closeCode(4000)).toBe(4401);
    expect(await kept.closeCode(800)).toBe('open');
    emit(user, 1);
    await kept.until(() => kept.seqs.length === 1);
  });
});
