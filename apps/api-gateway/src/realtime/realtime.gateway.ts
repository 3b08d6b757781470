import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { decodeJwt } from 'jose';
import type { NatsConnection, Subscription } from 'nats';
import type { RawData, WebSocket } from 'ws';
import { type EventEnvelope, Events, RealtimeSubjects, type UserEvent } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { UnauthorizedError } from '@engage/errors';
import type { Logger } from '@engage/logging';
import { decodeJson, RpcClient } from '@engage/messaging';
import { AccessGate, type RevocationCheck } from '../auth/access-gate';
import { API_KEY_PREFIX, TokenVerifier } from '../auth/token-verifier';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG, GATEWAY_LOGGER, GATEWAY_NATS } from '../infra/tokens';
import { CloseCode, RealtimeSession, type SessionAuthenticator, type VerifiedToken } from './realtime-session';
import { UserStreams } from './user-streams';

export const REALTIME_PATH = '/v1/realtime';

/**
 * Access tokens for the realtime socket, checked as the REST auth guard checks them: signature
 * against the JWKS, issuer and expiry (TokenVerifier), then the revocation keys in Redis. API keys
 * are refused: the stream is a person's, for a screen a person is looking at.
 */
@Injectable()
export class RealtimeAuthenticator implements SessionAuthenticator {
  constructor(
    private readonly verifier: TokenVerifier,
    @Inject(AccessGate) private readonly gate: AccessGate,
  ) {}

  async authenticate(token: string): Promise<VerifiedToken> {
    if (token.startsWith(API_KEY_PREFIX)) throw new UnauthorizedError('API keys are not accepted on the realtime socket.');
    const { principal, revocation } = await this.verifier.authenticate(token, systemContext());
    if (!revocation) throw new UnauthorizedError();
    if (await this.isRevoked(revocation)) throw new UnauthorizedError('The access token has been revoked.');
    // The signature was verified above, so the claims can be read as they are.
    const { exp } = decodeJwt(token);
    return { principal, revocation, expiresAtMs: (exp ?? 0) * 1000 };
  }

  async isRevoked(check: RevocationCheck): Promise<boolean> {
    return (await this.gate.pass(check, [])).revoked;
  }
}

interface Held {
  session: RealtimeSession;
  /** Answered the last protocol-level ping. */
  alive: boolean;
}

/**
 * `/v1/realtime` (SPEC section 4): each socket gets a RealtimeSession; this class connects the
 * sessions to the socket, to NATS (the user's live entries and the stream reads) and to the clocks
 * every socket shares: the heartbeat that cuts dead connections, the revocation recheck, and
 * deactivation events, which close the user's sockets at once.
 */
@WebSocketGateway({ path: REALTIME_PATH })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly held = new Map<WebSocket, Held>();
  private heartbeat: NodeJS.Timeout | null = null;
  private revocationCheck: NodeJS.Timeout | null = null;
  private deactivations: Subscription | null = null;

  constructor(
    private readonly authenticator: RealtimeAuthenticator,
    private readonly streams: UserStreams,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(GATEWAY_NATS) private readonly nc: NatsConnection,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  afterInit() {
    this.heartbeat = setInterval(() => this.beat(), this.config.REALTIME_HEARTBEAT_MS);
    this.heartbeat.unref();
    this.revocationCheck = setInterval(() => {
      for (const { session } of this.held.values()) void session.checkRevocation();
    }, this.config.REALTIME_REVOCATION_CHECK_MS);
    this.revocationCheck.unref();
    // Deactivation also revokes the user's tokens (caught by the recheck above); the event closes
    // the sockets without waiting for it.
    this.deactivations = this.nc.subscribe(Events.user.userDeactivated.subject, {
      callback: (error, msg) => {
        if (error) return;
        try {
          const event = decodeJson<EventEnvelope<UserEvent>>(msg.data);
          const userId = event.payload?.user_id ?? event.aggregate_id;
          if (userId) this.closeUser(userId, CloseCode.unauthorized, 'user deactivated');
        } catch {
          // Not an event envelope: nothing to act on.
        }
      },
    });
  }

  handleConnection(ws: WebSocket, _request: IncomingMessage) {
    const config = this.config;
    const session = new RealtimeSession(
      {
        send: (text) => ws.send(text),
        close: (code, reason) => ws.close(code, reason),
        get bufferedAmount() {
          return ws.bufferedAmount;
        },
      },
      this.authenticator,
      this.streams,
      (ctx, request) => this.rpc.request(RealtimeSubjects.stream.read, request, ctx),
      {
        authTimeoutMs: config.REALTIME_AUTH_TIMEOUT_MS,
        reauthTimeoutMs: config.REALTIME_REAUTH_TIMEOUT_MS,
        frameBurst: config.REALTIME_FRAME_BURST,
        framesPerSecond: config.REALTIME_FRAMES_PER_S,
      },
    );
    const held: Held = { session, alive: true };
    this.held.set(ws, held);
    ws.on('pong', () => {
      held.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => session.onFrame(isBinary ? null : rawText(data)));
    ws.on('close', () => {
      session.onClosed();
      this.held.delete(ws);
    });
    session.start();
  }

  /** Sockets held by this process (tests, metrics). */
  get socketCount(): number {
    return this.held.size;
  }

  /** Closes every socket of `userId` on this process. */
  closeUser(userId: string, code: number, reason: string) {
    for (const { session } of this.held.values()) if (session.userId === userId) session.close(code, reason);
  }

  onModuleDestroy() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.revocationCheck) clearInterval(this.revocationCheck);
    this.deactivations?.unsubscribe();
    // Clients reconnect (to another gateway process) with their last seq: nothing is lost.
    for (const { session } of this.held.values()) session.close(CloseCode.goingAway, 'server restarting');
  }

  /** A socket that did not answer the previous ping is dead: cut it (its close event cleans up). */
  private beat() {
    for (const [ws, held] of this.held) {
      if (!held.alive) {
        this.logger.debug('realtime: dead connection dropped');
        ws.terminate();
        continue;
      }
      held.alive = false;
      ws.ping();
    }
  }
}

const rawText = (data: RawData): string => {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
};
