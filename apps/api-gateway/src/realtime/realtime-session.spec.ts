import type { ReadStreamReply, ReadStreamRequest, StreamEntry } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TimeoutError, UnauthorizedError, UnavailableError } from '@engage/errors';
import { CloseCode, RealtimeSession, type SessionOptions, type VerifiedToken } from './realtime-session';
import { TokenBucket } from './token-bucket';
import type { EntryListener, LiveEntries } from './user-streams';

/** The per-socket protocol against fakes of its two NATS sides: the live entries and the stream store. */

const USER = 'u-1';
const settle = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Frame = { type: string; seq?: number; data?: Record<string, unknown> };

class FakeSocket {
  frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  bufferedAmount = 0;
  send(text: string) {
    if (this.closed) throw new Error('send after close');
    this.frames.push(JSON.parse(text) as Frame);
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
  }
  /** The seqs of the event frames received, in order. */
  get seqs() {
    return this.frames.filter((f) => f.seq !== undefined && f.type !== 'ready').map((f) => f.seq);
  }
  get types() {
    return this.frames.map((f) => f.type);
  }
}

/** Live entries: the test publishes; membership as UserStreams keeps it. */
class FakeLive implements LiveEntries {
  readonly listeners = new Map<string, Set<EntryListener>>();
  join(userId: string, listener: EntryListener) {
    const set = this.listeners.get(userId) ?? new Set();
    set.add(listener);
    this.listeners.set(userId, set);
    return { ready: Promise.resolve(), leave: () => set.delete(listener) };
  }
  publish(userId: string, entry: StreamEntry) {
    for (const l of this.listeners.get(userId) ?? []) l(entry);
  }
}

/** The user's stream as notification-service keeps it, with a per-read cap. */
class FakeStore {
  entries: StreamEntry[] = [];
  oldestRetained = 1;
  cap = 3;
  reads: Array<{ ctx: RequestContext; request: ReadStreamRequest }> = [];
  failNext = 0;
  /** Held reads: resolved by the test, to interleave live entries with a read in flight. */
  gate: Promise<void> | null = null;
  append(n: number) {
    const out: StreamEntry[] = [];
    for (let i = 0; i < n; i++) {
      const entry: StreamEntry = { type: 'notification', seq: this.latest + 1, data: { n: this.latest + 1 } };
      this.entries.push(entry);
      out.push(entry);
    }
    return out;
  }
  get latest() {
    return this.entries.length ? this.entries[this.entries.length - 1].seq : 0;
  }
  read = async (ctx: RequestContext, request: ReadStreamRequest): Promise<ReadStreamReply> => {
    this.reads.push({ ctx, request });
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new TimeoutError('The notification service');
    }
    const after = request.after ?? 0;
    if (after > this.latest || (after > 0 && after < this.oldestRetained - 1)) return { entries: [], latest_seq: this.latest, has_more: false, reset: true };
    const rest = this.entries.filter((e) => e.seq > after && e.seq >= this.oldestRetained);
    const limit = Math.min(request.limit ?? 100, this.cap);
    return { entries: rest.slice(0, limit), latest_seq: this.latest, has_more: rest.length > limit, reset: false };
  };
}

const principal = { tenantId: 't-1', userId: USER, role: 'rep' as const, apiKeyId: null };
const revocation = { jtiKey: 'j', userKey: 'u', issuedAtMs: 0 };

function setup(overrides: Partial<SessionOptions> = {}) {
  const socket = new FakeSocket();
  const live = new FakeLive();
  const store = new FakeStore();
  const tokens = new Map<string, VerifiedToken>([
    ['good', { principal, revocation, expiresAtMs: Date.now() + 60_000 }],
    ['other-user', { principal: { ...principal, userId: 'u-2' }, revocation, expiresAtMs: Date.now() + 60_000 }],
  ]);
  let revoked = false;
  const authenticator = {
    authenticate: async (token: string) => {
      if (token === 'down') throw new UnavailableError('The session store');
      const t = tokens.get(token);
      if (!t) throw new UnauthorizedError();
      return t;
    },
    isRevoked: async () => revoked,
  };
  const session = new RealtimeSession(socket, authenticator, live, store.read, {
    authTimeoutMs: 10_000,
    reauthTimeoutMs: 30_000,
    frameBurst: 20,
    framesPerSecond: 5,
    readRetryDelaysMs: [1, 1],
    ...overrides,
  });
  session.start();
  const auth = async (after: number | null, token = 'good') => {
    session.onFrame(JSON.stringify({ type: 'auth', token, after }));
    await settle();
  };
  return { socket, live, store, tokens, session, auth, revoke: () => (revoked = true) };
}

afterEach(() => jest.useRealTimers());

describe('RealtimeSession: authentication', () => {
  it('replays every entry after `after` in order, page by page, then answers ready with the latest seq', async () => {
    const { socket, store, auth } = setup();
    store.append(10);
    await auth(3);
    expect(socket.seqs).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(socket.frames.at(-1)).toEqual({ type: 'ready', seq: 10 });
    expect(socket.frames[0]).toEqual({ type: 'notification', seq: 4, data: { n: 4 } });
    // Pages of three: after 3, 6, 9.
    expect(store.reads.map((r) => r.request.after)).toEqual([3, 6, 9]);
    // Read as the user.
    expect(store.reads[0].ctx).toMatchObject({ tenantId: 't-1', userId: USER, role: 'rep' });
  });

  it('answers ready with 0 for an empty stream, and null reads from the start', async () => {
    const { socket, store, auth } = setup();
    await auth(null);
    expect(socket.frames).toEqual([{ type: 'ready', seq: 0 }]);
    expect(store.reads[0].request.after).toBeNull();
  });

  it('sends reset and continues from the latest seq when after is older than retention or in the future', async () => {
    for (const after of [2, 99]) {
      const { socket, store, live, auth } = setup();
      store.append(20);
      store.oldestRetained = 10;
      await auth(after);
      expect(socket.frames).toEqual([{ type: 'reset' }, { type: 'ready', seq: 20 }]);
      live.publish(USER, store.append(1)[0]);
      await settle();
      expect(socket.seqs).toEqual([21]);
    }
  });

  it('closes with 4401 for a bad token, a token of the wrong shape, and no auth frame in time', async () => {
    const bad = setup();
    await bad.auth(null, 'nope');
    expect(bad.socket.closed).toEqual({ code: 4401, reason: 'invalid token' });
    const shape = setup();
    shape.session.onFrame(JSON.stringify({ type: 'auth', token: 42, after: null }));
    expect(shape.socket.closed?.code).toBe(4401);
    jest.useFakeTimers();
    const silent = setup();
    jest.advanceTimersByTime(9_999);
    expect(silent.socket.closed).toBeNull();
    jest.advanceTimersByTime(1);
    expect(silent.socket.closed).toEqual({ code: 4401, reason: 'authentication timeout' });
  });

  it('closes with 1011 (reconnect later) when tokens cannot be checked, and refuses a malformed after with 1008', async () => {
    const down = setup();
    await down.auth(null, 'down');
    expect(down.socket.closed?.code).toBe(CloseCode.internalError);
    for (const after of [-1, 1.5, '3', {}]) {
      const s = setup();
      s.session.onFrame(JSON.stringify({ type: 'auth', token: 'good', after }));
      expect(s.socket.closed?.code).toBe(1008);
    }
  });

  it('answers ping with pong before and after authentication', async () => {
    const { socket, session, auth } = setup();
    session.onFrame('{"type":"ping"}');
    await auth(null);
    session.onFrame('{"type":"ping"}');
    expect(socket.types).toEqual(['pong', 'ready', 'pong']);
  });
});

describe('RealtimeSession: the seam between replay and live', () => {
  it('holds live entries that arrive during the replay, and sends each seq once, in order', async () => {
    const { socket, store, live, session } = setup();
    store.append(5);
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    session.onFrame(JSON.stringify({ type: 'auth', token: 'good', after: 0 }));
    await settle();
    // While the first read is in flight: 6 and 7 are stored and published; 6's publish is
    // delivered twice (a duplicate) and 4 arrives late from an earlier publish.
    const [six, seven] = store.append(2);
    live.publish(USER, seven);
    live.publish(USER, six);
    live.publish(USER, six);
    live.publish(USER, store.entries[3]);
    store.gate = null;
    open();
    await settle(20);
    expect(socket.seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(socket.types.indexOf('ready')).toBe(7);
    expect(socket.frames[7]).toEqual({ type: 'ready', seq: 7 });
    live.publish(USER, store.append(1)[0]);
    await settle();
    expect(socket.seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('reads a gap before sending a live entry that is not the next seq', async () => {
    const { socket, store, live, auth } = setup();
    await auth(0);
    const entries = store.append(9);
    // 1 arrives; 2–8 are lost on the way; 9 arrives.
    live.publish(USER, entries[0]);
    live.publish(USER, entries[8]);
    await settle(20);
    expect(socket.seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Then late copies of the lost ones change nothing.
    for (const e of entries) live.publish(USER, e);
    await settle();
    expect(socket.seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('orders entries that arrive out of order', async () => {
    const { socket, store, live, auth } = setup();
    await auth(0);
    const entries = store.append(4);
    for (const i of [1, 0, 3, 2]) live.publish(USER, entries[i]);
    await settle(20);
    expect(socket.seqs).toEqual([1, 2, 3, 4]);
  });

  it('sends reset when a missing range is no longer in the store, then carries on', async () => {
    const { socket, store, live, auth } = setup();
    await auth(0);
    const entries = store.append(5);
    live.publish(USER, entries[0]);
    await settle();
    // 2–4 were lost on the way and have left the store since: the client reloads (which shows 5)
    // and continues after 5.
    store.oldestRetained = 5;
    live.publish(USER, entries[4]);
    await settle(20);
    live.publish(USER, store.append(1)[0]);
    await settle();
    expect(socket.frames.slice(1).map((f) => f.seq ?? f.type)).toEqual([1, 'reset', 6]);
  });

  it('retries a failed read, and closes with 1011 once the service stays away', async () => {
    const flaky = setup();
    flaky.store.append(2);
    flaky.store.failNext = 2;
    await flaky.auth(0);
    await sleep(20);
    expect(flaky.socket.seqs).toEqual([1, 2]);
    const down = setup();
    down.store.failNext = 3;
    await down.auth(0);
    await sleep(20);
    expect(down.socket.closed).toEqual({ code: 1011, reason: 'stream unavailable' });
    expect(down.socket.frames).toEqual([]);
  });

  it('lets go of the live subscription when the socket closes', async () => {
    const { session, live, auth } = setup();
    await auth(null);
    expect(live.listeners.get(USER)?.size).toBe(1);
    session.onClosed();
    expect(live.listeners.get(USER)?.size).toBe(0);
  });
});

describe('RealtimeSession: bad input and tokens that end', () => {
  it('closes with 1008 on garbage, non-objects, unknown types and frames out of place, with 1003 on binary', async () => {
    for (const text of ['not json', '[1,2]', 'null', '"auth"', '{"type":"subscribe"}', '{}']) {
      const { socket, session } = setup();
      session.onFrame(text);
      expect({ text, code: socket.closed?.code }).toEqual({ text, code: 1008 });
    }
    const binary = setup();
    binary.session.onFrame(null);
    expect(binary.socket.closed?.code).toBe(1003);
  });

  it('closes a flood of frames with 1008 and lets a steady client be', async () => {
    let now = 0;
    const { socket, session } = setup({ now: () => now, frameBurst: 5, framesPerSecond: 2 });
    // Two frames a second forever is fine.
    for (let i = 0; i < 20; i++) {
      now += 500;
      session.onFrame('{"type":"ping"}');
    }
    expect(socket.closed).toBeNull();
    for (let i = 0; i < 6; i++) session.onFrame('{"type":"ping"}');
    expect(socket.closed).toEqual({ code: 1008, reason: 'too many frames' });
  });

  it('asks for reauth when the token expires, keeps the socket for a fresh token of the same user, closes 4401 otherwise', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    const { socket, session, tokens, store, live, auth } = setup();
    tokens.set('short', { principal, revocation, expiresAtMs: Date.now() + 1000 });
    await auth(null, 'short');
    jest.advanceTimersByTime(1000);
    expect(socket.types).toEqual(['ready', 'reauth']);
    jest.advanceTimersByTime(20_000);
    session.onFrame(JSON.stringify({ type: 'auth', token: 'good', after: null }));
    await settle();
    jest.advanceTimersByTime(30_000);
    expect(socket.closed).toBeNull();
    // Still live.
    live.publish(USER, store.append(1)[0]);
    await settle();
    expect(socket.seqs).toEqual([1]);

    const late = setup();
    late.tokens.set('short', { principal, revocation, expiresAtMs: Date.now() + 1000 });
    await late.auth(null, 'short');
    jest.advanceTimersByTime(1000 + 29_999);
    expect(late.socket.closed).toBeNull();
    jest.advanceTimersByTime(1);
    expect(late.socket.closed).toEqual({ code: 4401, reason: 'token expired' });

    const swap = setup();
    await swap.auth(null);
    swap.session.onFrame(JSON.stringify({ type: 'auth', token: 'other-user', after: null }));
    await settle();
    expect(swap.socket.closed?.code).toBe(4401);
  });

  it('closes with 4401 once the token is revoked', async () => {
    const { socket, session, auth, revoke } = setup();
    await auth(null);
    await session.checkRevocation();
    expect(socket.closed).toBeNull();
    revoke();
    await session.checkRevocation();
    expect(socket.closed).toEqual({ code: 4401, reason: 'token revoked' });
  });

  it('closes a client that reads too slowly with 1013', async () => {
    const { socket, store, auth } = setup({ maxBufferedBytes: 100 });
    store.append(3);
    socket.bufferedAmount = 1000;
    await auth(0);
    expect(socket.closed?.code).toBe(1013);
  });
});

describe('TokenBucket', () => {
  it('allows the burst, then the refill rate', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 1, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 1000;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now = 100_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
