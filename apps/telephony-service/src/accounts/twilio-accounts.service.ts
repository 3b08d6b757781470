import { Inject, Injectable } from '@nestjs/common';
import { type ConnectTwilioAccountRequest, type CreateTwilioSubaccountRequest, Events, type TwilioAccountChangedEvent, type TwilioAccountView } from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';
import { assertAllowed, requireTenant } from '@engage/access';
import { TenantDatabase } from '@engage/database';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '@engage/errors';
import { type Logger } from '@engage/logging';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { LOGGER } from '@engage/service-runtime';
import { TwilioVoice } from '../calls/twilio-voice';
import { TwilioAccounts } from './twilio-accounts';
import { type TwilioAccountRow, TwilioAccountsRepository } from './twilio-accounts.repository';

/**
 * The tenant's Twilio account, as its admins manage it: see which account is in use, connect one of
 * their own (checked with Twilio first), have a subaccount created under the platform account, or go
 * back to the platform account. Only admins (`tenant` update) see or change it, and the auth token
 * never leaves this service in clear: it is sealed before it is stored and no view or log carries it.
 * Each change is one `evt.telephony.twilio_account.changed` (for the audit trail), in its transaction.
 */
@Injectable()
export class TwilioAccountsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly repository: TwilioAccountsRepository,
    private readonly accounts: TwilioAccounts,
    private readonly twilio: TwilioVoice,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async get(ctx: RequestContext): Promise<TwilioAccountView> {
    const tctx = this.assertAdmin(ctx);
    return this.view(await this.repository.find(tctx.tenantId));
  }

  /** Connects an account the tenant already has; Twilio must accept the credentials (400 otherwise). */
  async connect(ctx: RequestContext, input: ConnectTwilioAccountRequest): Promise<TwilioAccountView> {
    const tctx = this.assertAdmin(ctx);
    this.accounts.assertCanSeal();
    const verified = await this.twilio.verifyAccount(input.account_sid, input.auth_token);
    if (!verified) {
      this.logger.info({ tenant_id: tctx.tenantId, account_sid: input.account_sid }, 'twilio account refused: Twilio did not accept the credentials');
      throw new ValidationError('Twilio did not accept these credentials.', { fields: { auth_token: ['Twilio refused this account SID and auth token'] } });
    }
    return this.store(tctx, { sid: input.account_sid, authToken: input.auth_token, friendlyName: verified.friendlyName }, 'connected');
  }

  /** Creates a subaccount under the platform account (its own numbers, calls and token) and connects it; 409 if the tenant already has an account. */
  async createSubaccount(ctx: RequestContext, input: CreateTwilioSubaccountRequest): Promise<TwilioAccountView> {
    const tctx = this.assertAdmin(ctx);
    this.accounts.assertCanSeal();
    const platform = this.twilio.platformAccount;
    if (!platform) throw new UnavailableError('Twilio (no platform account configured)');
    if (await this.repository.find(tctx.tenantId)) {
      throw new ConflictError('The tenant already has its own Twilio account; disconnect it first.', { source: 'tenant' });
    }
    const sub = await this.twilio.createSubaccount(platform, input.friendly_name ?? `Engage tenant ${tctx.tenantId}`);
    return this.store(tctx, { sid: sub.sid, authToken: sub.authToken, friendlyName: sub.friendlyName }, 'subaccount_created');
  }

  /** Back to the platform account; 404 when the tenant has no account of its own. The account itself stays at Twilio. */
  async disconnect(ctx: RequestContext): Promise<TwilioAccountView> {
    const tctx = this.assertAdmin(ctx);
    await this.db.transaction(tctx.tenantId, async (tx) => {
      const removed = await this.repository.remove(tx, tctx.tenantId);
      if (!removed) throw new NotFoundError('Twilio account of tenant', tctx.tenantId);
      await this.outbox.append(tx, tctx, [this.changed(tctx.tenantId, { account_sid: this.twilio.platformAccount?.sid ?? null, friendly_name: null, source: 'platform', previous_account_sid: removed.account_sid, change: 'disconnected' })]);
    });
    this.accounts.invalidate(tctx.tenantId);
    this.logger.info({ tenant_id: tctx.tenantId }, 'twilio account disconnected: back to the platform account');
    return this.view(null);
  }

  private async store(tctx: TenantContext, account: { sid: string; authToken: string; friendlyName: string | null }, change: 'connected' | 'subaccount_created'): Promise<TwilioAccountView> {
    const sealed = this.accounts.seal(tctx.tenantId, account.authToken);
    const row = await this.db.transaction(tctx.tenantId, async (tx) => {
      const previous = await this.repository.lock(tx, tctx.tenantId);
      const saved = await this.repository.upsert(tx, tctx.tenantId, { account_sid: account.sid, auth_token_sealed: sealed, friendly_name: account.friendlyName, created_by: tctx.userId ?? null });
      await this.outbox.append(tx, tctx, [
        this.changed(tctx.tenantId, { account_sid: saved.account_sid, friendly_name: saved.friendly_name, source: 'tenant', previous_account_sid: previous?.account_sid ?? null, change }),
      ]);
      return saved;
    });
    this.accounts.invalidate(tctx.tenantId);
    this.logger.info({ tenant_id: tctx.tenantId, account_sid: row.account_sid, change }, 'twilio account connected');
    return this.view(row);
  }

  private view(row: TwilioAccountRow | null): TwilioAccountView {
    if (row) return { account_sid: row.account_sid, friendly_name: row.friendly_name, source: 'tenant', connected_at: row.created_at };
    return { account_sid: this.twilio.platformAccount?.sid ?? null, friendly_name: null, source: 'platform', connected_at: null };
  }

  /** One event per change; the tenant is the aggregate (one account per tenant), versioned by time. */
  private changed(tenantId: string, payload: TwilioAccountChangedEvent) {
    return outboxEvent(Events.telephony.twilioAccountChanged, { aggregateId: tenantId, version: Date.now(), payload });
  }

  /** Tenant admins only: the account pays for and signs every call and text of the tenant. */
  private assertAdmin(ctx: RequestContext): TenantContext {
    const tctx = requireTenant(ctx);
    assertAllowed(ctx, 'tenant', 'update');
    return tctx;
  }
}
