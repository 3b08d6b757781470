import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type ConnectGmailRequest, Events, type GmailAuthorizeUrlView, type GmailConnectionChangedEvent, type GmailConnectionView, type GmailPushReply } from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';
import { assertAllowed, requireTenant, TenantModules } from '@engage/access';
import { TenantDatabase } from '@engage/database';
import { BadRequestError, ConflictError, DomainError, ForbiddenError, UnavailableError, ValidationError } from '@engage/errors';
import type { Logger } from '@engage/logging';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { LOGGER, SERVICE_CONFIG } from '@engage/service-runtime';
import type { ActivityConfig } from '../config';
import { GmailCredentials } from './gmail-credentials';
import { type GmailConnectionRow, GmailConnectionsRepository } from './gmail-connections.repository';
import { GmailSync } from './gmail-sync';
import { classifyGoogleError, describeGoogleError, GoogleMail, pkcePair } from './google-mail';

/** How long a consent screen's state is accepted. */
const STATE_TTL_MS = 10 * 60_000;

const hashState = (state: string) => createHash('sha256').update(state).digest('base64url');

/** The push's body as Pub/Sub sends it: `message.data` is base64 of `{"emailAddress", "historyId"}`. */
export function parseGmailPush(body: unknown): { emailAddress: string; historyId: string | null } {
  const message = (body as { message?: { data?: unknown } } | null)?.message;
  if (!message || typeof message.data !== 'string' || message.data.length === 0 || message.data.length > 4096) {
    throw new BadRequestError('A Pub/Sub push with message.data is expected.');
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(message.data, 'base64').toString('utf8'));
  } catch {
    throw new BadRequestError('message.data is not base64-encoded JSON.');
  }
  const { emailAddress, historyId } = (data ?? {}) as { emailAddress?: unknown; historyId?: unknown };
  if (typeof emailAddress !== 'string' || !/^[^\s@]{1,64}@[^\s@]{1,255}$/.test(emailAddress)) {
    throw new BadRequestError('message.data must carry the mailbox’s emailAddress.');
  }
  const history = typeof historyId === 'number' || typeof historyId === 'string' ? String(historyId) : null;
  return { emailAddress: emailAddress.toLowerCase(), historyId: history && /^\d{1,20}$/.test(history) ? history : null };
}

/**
 * Each user's own Gmail connection (SPEC section 4): the consent screen (a state bound to the user
 * and tenant, used once, with PKCE), the code exchanged for a refresh token that is stored sealed,
 * the connection's health, and disconnecting (revoked at Google). Any role may connect their own
 * mailbox (`integrations`, own), while the tenant has the `email_sync` module. Gmail's pushes are
 * checked here too (the subscription's token) before they wake the sync.
 */
@Injectable()
export class GmailConnectionsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly connections: GmailConnectionsRepository,
    private readonly google: GoogleMail,
    private readonly credentials: GmailCredentials,
    private readonly sync: GmailSync,
    private readonly modules: TenantModules,
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) private readonly config: ActivityConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async get(ctx: RequestContext): Promise<GmailConnectionView> {
    const { tctx, userId } = this.caller(ctx, 'read');
    return this.view(await this.connections.find(tctx.tenantId, userId));
  }

  /** A consent screen for the caller: its state is stored (hashed) with the PKCE verifier (sealed). */
  async authorizeUrl(ctx: RequestContext): Promise<GmailAuthorizeUrlView> {
    const { tctx, userId } = this.caller(ctx, 'create');
    this.google.assertConfigured();
    this.credentials.assertCanSeal();
    await this.modules.assertEnabled(tctx.tenantId, 'email_sync');
    const state = randomBytes(32).toString('base64url');
    const { verifier, challenge } = pkcePair();
    const expiresAt = await this.connections.saveState(tctx.tenantId, {
      stateHash: hashState(state),
      userId,
      verifierSealed: this.credentials.seal(tctx.tenantId, verifier),
      ttlMs: STATE_TTL_MS,
    });
    return { url: this.google.authorizeUrl(state, challenge), state, expires_at: expiresAt };
  }

  /**
   * Exchanges Google's code for the caller's mailbox: the state must be one this user opened, unused
   * and unexpired (400 otherwise, before Google is asked). The mailbox then syncs in the background.
   */
  async connect(ctx: RequestContext, input: ConnectGmailRequest): Promise<GmailConnectionView> {
    const { tctx, userId } = this.caller(ctx, 'create');
    this.google.assertConfigured();
    await this.modules.assertEnabled(tctx.tenantId, 'email_sync');
    const sealedVerifier = await this.connections.takeState(tctx.tenantId, hashState(input.state), userId);
    if (!sealedVerifier) {
      throw new ValidationError('This consent attempt is unknown, already used, expired, or was started by someone else; start again.', {
        fields: { state: ['unknown, used, expired or not yours'] },
      });
    }
    const exchanged = await this.exchange(input.code, this.credentials.open(tctx.tenantId, sealedVerifier));
    if (!exchanged.refreshToken) {
      throw new ValidationError('Google granted no offline access (no refresh token); connect again and accept every permission asked.', { fields: { code: ['no refresh token was granted'] } });
    }
    const address = exchanged.emailAddress.toLowerCase();
    let replaced: GmailConnectionRow | null = null;
    const row = await this.db.transaction(tctx.tenantId, async (tx) => {
      const holder = await this.connections.holderOf(tx, tctx.tenantId, address);
      if (holder && holder !== userId) return null;
      replaced = await this.connections.lock(tx, tctx.tenantId, userId);
      const saved = await this.connections.upsert(tx, tctx.tenantId, userId, address, this.credentials.seal(tctx.tenantId, exchanged.refreshToken!));
      await this.outbox.append(tx, tctx, [this.changed(userId, { user_id: userId, email_address: address, change: 'connected', reason: null })]);
      return saved;
    });
    if (!row) {
      await this.revokeQuietly(tctx.tenantId, exchanged.refreshToken);
      throw new ConflictError(`${address} is already connected by another user of this account.`, { email_address: address });
    }
    const previous = replaced as GmailConnectionRow | null;
    if (previous && previous.refresh_token_sealed !== row.refresh_token_sealed) {
      await this.revokeQuietly(tctx.tenantId, this.credentials.open(tctx.tenantId, previous.refresh_token_sealed));
    }
    this.logger.info({ tenant_id: tctx.tenantId, user_id: userId }, 'gmail connected; first sync starting');
    void this.sync.run(tctx.tenantId, userId);
    return this.view(row);
  }

  /** Removes the caller's connection and revokes the grant at Google; the activities already synced stay. 404 when not connected. */
  async disconnect(ctx: RequestContext): Promise<GmailConnectionView> {
    const { tctx, userId } = this.caller(ctx, 'delete');
    const removed = await this.db.transaction(tctx.tenantId, async (tx) => {
      const row = await this.connections.remove(tx, tctx.tenantId, userId);
      if (row) await this.outbox.append(tx, tctx, [this.changed(userId, { user_id: userId, email_address: row.email_address, change: 'disconnected', reason: null })]);
      return row;
    });
    if (!removed) throw new DomainError('not_found', 404, 'No Gmail mailbox is connected.');
    await this.revokeQuietly(tctx.tenantId, this.credentials.open(tctx.tenantId, removed.refresh_token_sealed));
    this.logger.info({ tenant_id: tctx.tenantId, user_id: userId }, 'gmail disconnected and revoked');
    return this.view(null);
  }

  /**
   * A Pub/Sub push: the subscription's token must match (403 otherwise, nothing done), the body must
   * name a mailbox (400). Every connection of that mailbox is asked to sync; an address nobody
   * connected is acknowledged all the same, so Pub/Sub does not retry it.
   */
  async push(token: string | null, body: unknown): Promise<GmailPushReply> {
    const expected = this.config.GMAIL_PUSH_TOKEN;
    if (!expected) throw new UnavailableError('Gmail push (no GMAIL_PUSH_TOKEN configured)');
    const given = Buffer.from(token ?? '');
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new ForbiddenError('The push token does not match.');
    const { emailAddress } = parseGmailPush(body);
    const targets = await this.connections.connectionsOf(emailAddress);
    let woken = 0;
    for (const t of targets) if (await this.sync.request(t.tenant_id, t.user_id)) woken++;
    return { connections: woken };
  }

  private async exchange(code: string, verifier: string) {
    try {
      return await this.google.exchange(code, verifier);
    } catch (error) {
      const kind = classifyGoogleError(error);
      const status = (error as { response?: { status?: number } }).response?.status;
      if (kind === 'reconsent' || status === 400) {
        throw new ValidationError('Google did not accept this authorization code (expired, used, or issued for another request).', {
          fields: { code: [describeGoogleError(error)] },
        });
      }
      this.logger.warn({ error: describeGoogleError(error) }, 'gmail connect: exchanging the code failed');
      throw new UnavailableError('Google');
    }
  }

  private async revokeQuietly(tenantId: string, refreshToken: string): Promise<void> {
    try {
      await this.google.revoke(refreshToken);
    } catch (error) {
      this.logger.warn({ tenant_id: tenantId, error: describeGoogleError(error) }, 'gmail: revoking the grant at Google failed (it stays unused)');
    }
  }

  private changed(userId: string, payload: GmailConnectionChangedEvent) {
    return outboxEvent(Events.activity.gmailConnectionChanged, { aggregateId: userId, version: Date.now(), payload });
  }

  /** A user of the tenant acting on their own connection (an API key, which has no mailbox, is refused). */
  private caller(ctx: RequestContext, action: 'read' | 'create' | 'delete'): { tctx: TenantContext; userId: string } {
    const tctx = requireTenant(ctx);
    assertAllowed(ctx, 'integrations', action);
    if (!tctx.userId || tctx.apiKeyId) throw new ForbiddenError('A Gmail mailbox is connected by a signed-in user, not an API key.');
    return { tctx, userId: tctx.userId };
  }

  private view(row: GmailConnectionRow | null): GmailConnectionView {
    if (!row) {
      return {
        status: 'not_connected',
        email_address: null,
        connected_at: null,
        last_sync_at: null,
        lag_seconds: null,
        messages_imported: 0,
        messages_seen: 0,
        initial_sync_done: false,
        last_error: null,
        last_error_at: null,
        watch_expires_at: null,
      };
    }
    return {
      status: row.status,
      email_address: row.email_address,
      connected_at: row.connected_at,
      last_sync_at: row.last_sync_at,
      lag_seconds: row.last_sync_at ? Math.max(0, Math.round((Date.now() - Date.parse(row.last_sync_at)) / 1000)) : null,
      messages_imported: Number(row.messages_imported),
      messages_seen: Number(row.messages_seen),
      initial_sync_done: row.initial_sync_done,
      last_error: row.last_error,
      last_error_at: row.last_error_at,
      watch_expires_at: row.watch_expires_at,
    };
  }
}
