import type { ReadStreamReply, ReadStreamRequest, StreamEntry } from '@engage/contracts';
import { type RequestContext, systemContext } from '@engage/context';
import { DomainError } from '@engage/errors';
import type { RevocationCheck } from '../auth/access-gate';
import type { Principal } from '../auth/token-verifier';
import { TokenBucket } from './token-bucket';
import type { LiveEntries, UserStreamMembership } from './user-streams';

/** Close codes of `/v1/realtime` (documented in the gateway README). */
export const CloseCode = {
  /** The gateway is shutting down or restarting: reconnect with the last seq. */
  goingAway: 1001,
  /** A binary frame: the protocol speaks JSON text frames only. */
  unsupportedData: 1003,
  /** Garbage, an unknown frame type, a frame out of place, or a flood of frames. */
  policyViolation: 1008,
  /** A frame larger than the limit (sent by the ws library itself). */
  tooBig: 1009,
  /** The user's stream could not be read (notification-service unreachable): reconnect later. */
  internalError: 1011,
  /** The client reads too slowly, or fell too far behind: reconnect with the last seq. */
  tryAgainLater: 1013,
  /** Bad, expired, revoked or missing token; the user was deactivated. */
  unauthorized: 4401,
} as const;

/** The socket as the session sees it. */
export interface SocketPort {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Bytes queued and not yet written to the network. */
  readonly bufferedAmount: number;
}

/** A verified access token. */
export interface VerifiedToken {
  principal: Principal;
  revocation: RevocationCheck;
  expiresAtMs: number;
}

export interface SessionAuthenticator {
  /** Verifies an access token (signature, expiry, revocation); throws a 401 DomainError when it is no good. */
  authenticate(token: string): Promise<VerifiedToken>;
  isRevoked(check: RevocationCheck): Promise<boolean>;
}

/** Reads the caller's (ctx.userId) stream after a seq: `RealtimeSubjects.stream.read`. */
export type StreamReader = (ctx: RequestContext, request: ReadStreamRequest) => Promise<ReadStreamReply>;

export interface SessionOptions {
  authTimeoutMs: number;
  reauthTimeoutMs: number;
  frameBurst: number;
  framesPerSecond: number;
  /** Entries per read (the service may cap it lower). */
  readLimit?: number;
  /** Waits between attempts to read the stream before giving up with 1011. */
  readRetryDelaysMs?: readonly number[];
  /** Live entries held while the stream is being read; more means the client is hopelessly behind. */
  maxPending?: number;
  /** Bytes queued for a client before it counts as too slow. */
  maxBufferedBytes?: number;
  now?: () => number;
}

type State = 'awaiting_auth' | 'authenticating' | 'syncing' | 'live' | 'closed';

const MAX_TOKEN_CHARS = 8192;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One client socket of `/v1/realtime`, SPEC section 4, as a state machine over its two NATS
 * sides (the user's live entries, and reading the stream after a seq):
 *
 *  1. The client has `authTimeoutMs` to send `{"type":"auth","token","after"}`. A bad token closes
 *     with 4401.
 *  2. Once the token is good the session joins the user's live entries (and buffers them), then
 *     reads every entry after `after`, page by page, sends them in order and answers
 *     `{"type":"ready","seq":<last>}`. A reset from the service (after older than retention, or
 *     ahead of the stream) becomes `{"type":"reset"}` and the session continues from the latest seq.
 *  3. Live: buffered and new entries go out in seq order; one the client already has is dropped,
 *     and one that is not the next seq means entries were missed on the way (a lost publish, a
 *     NATS restart), so the range is read from the service first. The client therefore sees every
 *     seq once, in order, with no gap, whatever happens to the live path.
 *  4. When the token expires the client gets `{"type":"reauth"}` and has `reauthTimeoutMs` to send a
 *     new auth frame for the same user (accepted silently), else 4401. Revocation is rechecked
 *     by the gateway every few seconds (`checkRevocation`).
 *
 * Garbage, unknown frame types and frames out of place close this socket with 1008 (binary frames
 * with 1003), as does a flood of frames beyond the token bucket; nothing else is affected.
 */
export class RealtimeSession {
  private state: State = 'awaiting_auth';
  private token: VerifiedToken | null = null;
  private verifying = false;
  private membership: UserStreamMembership | null = null;
  /** The seq of the last entry the client has (sent, or known from `after`). */
  private last = 0;
  private pending: StreamEntry[] = [];
  private pumping = false;
  private authTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private reauthTimer: NodeJS.Timeout | null = null;
  private readonly bucket: TokenBucket;
  private readonly readLimit: number;
  private readonly retryDelays: readonly number[];
  private readonly maxPending: number;
  private readonly maxBuffered: number;
  private readonly now: () => number;

  constructor(
    private readonly socket: SocketPort,
    private readonly authenticator: SessionAuthenticator,
    private readonly live: LiveEntries,
    private readonly readStream: StreamReader,
    private readonly options: SessionOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.bucket = new TokenBucket(options.frameBurst, options.framesPerSecond, this.now);
    this.readLimit = options.readLimit ?? 500;
    this.retryDelays = options.readRetryDelaysMs ?? [250, 1000];
    this.maxPending = options.maxPending ?? 10_000;
    this.maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  }

  /** Starts the clock for the auth frame. */
  start(): void {
    this.authTimer = setTimeout(() => this.close(CloseCode.unauthorized, 'authentication timeout'), this.options.authTimeoutMs);
  }

  private get closed(): boolean {
    return this.state === 'closed';
  }

  get userId(): string | null {
    return this.token?.principal.userId ?? null;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** The seq of the last entry the client has. */
  get lastSeq(): number {
    return this.last;
  }

  /** A client frame: its text, or null for a binary frame. */
  onFrame(text: string | null): void {
    if (this.closed) return;
    if (!this.bucket.take()) return this.close(CloseCode.policyViolation, 'too many frames');
    if (text === null) return this.close(CloseCode.unsupportedData, 'binary frames are not accepted');
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return this.close(CloseCode.policyViolation, 'frames must be JSON');
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return this.close(CloseCode.policyViolation, 'frames must be JSON objects');
    const { type } = frame as { type?: unknown };
    if (type === 'ping') return this.send({ type: 'pong' });
    if (type === 'auth') return this.onAuth(frame as Record<string, unknown>);
    return this.close(CloseCode.policyViolation, 'unknown frame type');
  }

  /** The socket closed (either side): let go of everything. */
  onClosed(): void {
    this.state = 'closed';
    this.clearTimers();
    this.membership?.leave();
    this.membership = null;
    this.pending = [];
  }

  /** Closes the socket with `code` (once) and lets go of everything. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.onClosed();
    this.socket.close(code, reason);
  }

  /** Rechecks the token against the revocation keys (the gateway calls this every few seconds). */
  async checkRevocation(): Promise<void> {
    const token = this.token;
    if (!token || this.closed) return;
    // A store that cannot be reached says nothing about the token: the next check decides.
    const revoked = await this.authenticator.isRevoked(token.revocation).catch(() => false);
    if (revoked && this.token === token) this.close(CloseCode.unauthorized, 'token revoked');
  }

  private onAuth(frame: Record<string, unknown>) {
    const { token, after = null } = frame;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) return this.close(CloseCode.unauthorized, 'invalid token');
    if (after !== null && (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0)) {
      return this.close(CloseCode.policyViolation, 'after must be null or a non-negative integer');
    }
    if (this.verifying) return this.close(CloseCode.policyViolation, 'auth frame while another is being verified');
    if (this.state === 'awaiting_auth') {
      this.state = 'authenticating';
      this.verify(token).then(
        (verified) => verified && this.begin(verified, after),
        () => undefined,
      );
    } else {
      // Authenticated already: a fresh token for the same user keeps the socket (after `reauth`, or ahead of it).
      this.verify(token).then(
        (verified) => verified && this.renew(verified),
        () => undefined,
      );
    }
  }

  /** The verified token, or null after closing the socket for it. */
  private async verify(token: string): Promise<VerifiedToken | null> {
    this.verifying = true;
    try {
      const verified = await this.authenticator.authenticate(token);
      if (this.closed) return null;
      if (verified.expiresAtMs <= this.now()) {
        this.close(CloseCode.unauthorized, 'token expired');
        return null;
      }
      return verified;
    } catch (error) {
      const unauthorized = error instanceof DomainError && error.status === 401;
      this.close(unauthorized ? CloseCode.unauthorized : CloseCode.internalError, unauthorized ? 'invalid token' : 'authentication unavailable');
      return null;
    } finally {
      this.verifying = false;
    }
  }

  private begin(verified: VerifiedToken, after: number | null) {
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.token = verified;
    this.state = 'syncing';
    this.scheduleExpiry();
    this.membership = this.live.join(verified.principal.userId, (entry) => this.onLive(entry));
    void this.sync(after);
  }

  private renew(verified: VerifiedToken) {
    const current = this.token!.principal;
    if (verified.principal.userId !== current.userId || verified.principal.tenantId !== current.tenantId) {
      return this.close(CloseCode.unauthorized, 'token is for another user');
    }
    this.token = verified;
    if (this.reauthTimer) clearTimeout(this.reauthTimer);
    this.reauthTimer = null;
    this.scheduleExpiry();
  }

  private scheduleExpiry() {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const token = this.token!;
    this.expiryTimer = setTimeout(
      () => {
        if (this.closed || this.token !== token) return;
        this.send({ type: 'reauth' });
        this.reauthTimer ??= setTimeout(() => this.close(CloseCode.unauthorized, 'token expired'), this.options.reauthTimeoutMs);
      },
      Math.min(MAX_TIMER_MS, Math.max(0, token.expiresAtMs - this.now())),
    );
  }

  private async sync(after: number | null) {
    this.last = after ?? 0;
    await this.membership!.ready;
    if (this.state !== 'syncing') return;
    if (!(await this.catchUp(after))) return;
    this.send({ type: 'ready', seq: this.last });
    this.state = 'live';
    void this.pump();
  }

  private onLive(entry: StreamEntry) {
    if (this.closed) return;
    if (this.pending.length >= this.maxPending) return this.close(CloseCode.tryAgainLater, 'too far behind');
    this.pending.push(entry);
    if (this.state === 'live') void this.pump();
  }

  /** Sends pending live entries in seq order, reading any missing range first. */
  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.pending.length > 0 && this.state === 'live') {
        if (this.pending.length > 1) this.pending.sort((a, b) => a.seq - b.seq);
        const next = this.pending[0];
        if (next.seq <= this.last) {
          this.pending.shift();
          continue;
        }
        if (next.seq === this.last + 1) {
          this.pending.shift();
          this.sendEntry(next);
          continue;
        }
        // A gap: entries last+1 … next.seq-1 did not come live. They are in the store (the service
        // stores an entry before publishing it), so read them.
        const before = this.last;
        if (!(await this.catchUp(this.last))) return;
        if (this.last === before && this.state === 'live' && this.pending[0] === next) {
          // The store has nothing between: the missing entries are gone (retention). The client
          // reloads, as for an `after` older than retention.
          this.send({ type: 'reset' });
          this.last = next.seq - 1;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Reads and sends every entry after `after` (page by page); false when the socket was closed. */
  private async catchUp(after: number | null): Promise<boolean> {
    let cursor = after;
    for (;;) {
      const reply = await this.read(cursor);
      if (!reply || this.closed) return false;
      if (reply.reset) {
        this.send({ type: 'reset' });
        this.last = reply.latest_seq;
        return true;
      }
      for (const entry of reply.entries) if (entry.seq > this.last) this.sendEntry(entry);
      if (!reply.has_more || reply.entries.length === 0) return !this.closed;
      cursor = this.last;
    }
  }

  private async read(after: number | null): Promise<ReadStreamReply | null> {
    const principal = this.token!.principal;
    for (let attempt = 0; ; attempt++) {
      try {
        const ctx = systemContext({ tenantId: principal.tenantId, userId: principal.userId, role: principal.role });
        return await this.readStream(ctx, { after, limit: this.readLimit });
      } catch {
        if (this.closed) return null;
        const delay = this.retryDelays[attempt];
        if (delay === undefined) {
          this.close(CloseCode.internalError, 'stream unavailable');
          return null;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.closed) return null;
      }
    }
  }

  private sendEntry(entry: StreamEntry) {
    this.send({ type: entry.type, seq: entry.seq, data: entry.data });
    this.last = entry.seq;
  }

  private send(frame: object) {
    if (this.closed) return;
    if (this.socket.bufferedAmount > this.maxBuffered) return this.close(CloseCode.tryAgainLater, 'client too slow');
    this.socket.send(JSON.stringify(frame));
  }

  private clearTimers() {
    for (const timer of [this.authTimer, this.expiryTimer, this.reauthTimer]) if (timer) clearTimeout(timer);
    this.authTimer = this.expiryTimer = this.reauthTimer = null;
  }
}
