import { Inject, Injectable } from '@nestjs/common';
import type { TwilioWebhookCommand } from '@engage/contracts';
import { SecretBox } from '@engage/config';
import { isUuid } from './callback-signature';
import { UnavailableError } from '@engage/errors';
import { type Logger } from '@engage/logging';
import { LOGGER, SERVICE_CONFIG } from '@engage/service-runtime';
import { type TwilioAccount, TwilioVoice } from '../calls/twilio-voice';
import type { TelephonyConfig } from '../config';
import { type TwilioAccountRow, TwilioAccountsRepository } from './twilio-accounts.repository';


/**
 * How long a replica trusts what it read of a tenant's account. A change made here clears it at
 * once; another replica learns of it within this time (or at once for a callback that does not
 * verify, see `isSignedFor`).
 */
export const ACCOUNT_CACHE_TTL_MS = 30_000;
/** Most tenants remembered at once (the oldest is forgotten first). */
const MAX_CACHED = 10_000;

/** The scope a tenant's Twilio token is sealed under: its own data key, and AAD that binds it to the tenant. */
export const twilioTokenScope = (tenantId: string) => `tenant:${tenantId}:twilio`;

/**
 * Marks a callback URL of something placed through the platform account whatever the tenant's own
 * (browser calls: the device, its API key and TwiML app are the platform's): `&account=platform`.
 * It is part of the signed URL, so it cannot be added to another callback without breaking its signature.
 */
export const PLATFORM_ACCOUNT_MARK = 'account=platform';

/** The tenant id a callback URL we gave Twilio carries (`?tenant=`), if it is one. */
export function callbackTenant(pathAndQuery: string): string | null {
  const tenant = new URL(pathAndQuery, 'http://callback.invalid').searchParams.get('tenant');
  return isUuid(tenant) ? tenant : null;
}

const placedByPlatform = (pathAndQuery: string) => new URL(pathAndQuery, 'http://callback.invalid').searchParams.get('account') === 'platform';

/**
 * Which Twilio account a tenant's calls, texts and recordings go through: its own (a subaccount of
 * the platform's, or one it connected; see TwilioAccountsService) when it has one, else the platform
 * account from config. Tokens are kept sealed in the database and opened here, per tenant; what was
 * read is remembered briefly so the hot paths (every call, text and callback) do not read it again.
 */
@Injectable()
export class TwilioAccounts {
  private readonly box: SecretBox | null;
  private readonly cache = new Map<string, { own: TwilioAccount | null; until: number }>();

  constructor(
    private readonly repository: TwilioAccountsRepository,
    private readonly twilio: TwilioVoice,
    @Inject(SERVICE_CONFIG) config: TelephonyConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.box = config.ENCRYPTION_KEY ? new SecretBox(config.ENCRYPTION_KEY) : null;
  }

  /** The account the tenant's requests to Twilio are made with; 503 when it has none and no platform account is configured. */
  async forTenant(tenantId: string): Promise<TwilioAccount> {
    const account = (await this.own(tenantId)) ?? this.twilio.platformAccount;
    if (!account) throw new UnavailableError('Twilio (no account configured)');
    return account;
  }

  /**
   * Whether a call or text goes through the platform account whatever the tenant's: browser calls
   * (the device's API key and TwiML app are the platform's) and anything from the shared platform
   * number (only the platform account owns it; Twilio refuses another account's number as caller id).
   */
  usesPlatformAccount(item: { from: string; mode?: 'bridge' | 'browser' }): boolean {
    return item.mode === 'browser' || item.from === this.twilio.defaultFrom;
  }

  /** The account a call or text is (or was) placed with; hang-up and recordings follow the call. */
  async forItem(tenantId: string, item: { from: string; mode?: 'bridge' | 'browser' }): Promise<TwilioAccount> {
    if (!this.usesPlatformAccount(item)) return this.forTenant(tenantId);
    const platform = this.twilio.platformAccount;
    if (!platform) throw new UnavailableError('Twilio (no account configured)');
    return platform;
  }

  /** The tenant's own account, or null when it uses the platform's. `fresh` skips what this replica remembers. */
  async own(tenantId: string, fresh = false): Promise<TwilioAccount | null> {
    const kept = this.cache.get(tenantId);
    if (!fresh && kept && kept.until > Date.now()) return kept.own;
    const row = await this.repository.find(tenantId);
    const own = row ? this.open(tenantId, row) : null;
    if (this.cache.size >= MAX_CACHED && !this.cache.has(tenantId)) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(tenantId, { own, until: Date.now() + ACCOUNT_CACHE_TTL_MS });
    return own;
  }

  /** Forget what was read of the tenant's account (it has just changed). */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  /**
   * Whether a callback about one tenant's call, text or recording was signed by Twilio with the token
   * of that tenant's account (Twilio signs with the token of the account that owns the resource).
   * The tenant comes from the signed URL itself, so a forged tenant id only picks a token the
   * signature then fails. A URL without a tenant, or marked as placed by the platform account
   * (PLATFORM_ACCOUNT_MARK), is checked with the platform token. When the
   * remembered account does not verify, the account is read again once: another replica may have
   * just connected or disconnected it.
   */
  async isSignedFor(input: TwilioWebhookCommand): Promise<boolean> {
    const tenantId = callbackTenant(input.url);
    if (!tenantId || placedByPlatform(input.url)) return this.twilio.isSignedByTwilio(this.twilio.platformAccount, input.url, input.params, input.signature);
    return this.isSignedWithAccountOf(tenantId, input, this.twilio.platformAccount);
  }

  /**
   * Whether the request was signed with the token of the tenant's own account (inbound texts to a
   * number the tenant owns; false when it has none).
   */
  isSignedByOwnAccountOf(tenantId: string, input: TwilioWebhookCommand): Promise<boolean> {
    return this.isSignedWithAccountOf(tenantId, input, null);
  }

  private async isSignedWithAccountOf(tenantId: string, input: TwilioWebhookCommand, otherwise: TwilioAccount | null): Promise<boolean> {
    if (!input.signature) return false;
    const check = (own: TwilioAccount | null) => this.twilio.isSignedByTwilio(own ?? otherwise, input.url, input.params, input.signature);
    const remembered = await this.ownOrNull(tenantId, false);
    if (remembered !== undefined && check(remembered)) return true;
    const current = await this.ownOrNull(tenantId, true);
    if (current === undefined || (remembered !== undefined && sameAccount(current, remembered))) return false;
    return check(current);
  }

  /** 503 unless tokens can be sealed: checked before anything is created at Twilio. */
  assertCanSeal(): void {
    if (!this.box) throw new UnavailableError('Storing Twilio credentials (no ENCRYPTION_KEY configured)');
  }

  /** Seals a tenant's auth token for storage (503 when no ENCRYPTION_KEY is configured). */
  seal(tenantId: string, authToken: string): string {
    if (!this.box) throw new UnavailableError('Storing Twilio credentials (no ENCRYPTION_KEY configured)');
    return this.box.encrypt(authToken, twilioTokenScope(tenantId));
  }

  private open(tenantId: string, row: TwilioAccountRow): TwilioAccount {
    if (!this.box) throw new UnavailableError('Twilio credentials (no ENCRYPTION_KEY configured)');
    let authToken: string;
    try {
      authToken = this.box.decrypt(row.auth_token_sealed, twilioTokenScope(tenantId));
    } catch {
      // Never the ciphertext or anything of the token: only that this tenant's cannot be opened.
      this.logger.error({ tenant_id: tenantId, account_sid: row.account_sid }, 'twilio account: the stored auth token does not decrypt (ENCRYPTION_KEY changed?)');
      throw new UnavailableError('Twilio (the tenant’s credentials cannot be read)');
    }
    return { sid: row.account_sid, authToken, friendlyName: row.friendly_name, source: 'tenant' };
  }

  /**
   * The tenant's own account for a signature check; undefined when its token cannot be opened (the
   * check then fails). A database error propagates, so Twilio retries the callback later.
   */
  private async ownOrNull(tenantId: string, fresh: boolean): Promise<TwilioAccount | null | undefined> {
    try {
      return await this.own(tenantId, fresh);
    } catch (error) {
      if (error instanceof UnavailableError) return undefined;
      throw error;
    }
  }
}

const sameAccount = (a: TwilioAccount | null, b: TwilioAccount | null) => a?.sid === b?.sid && a?.authToken === b?.authToken;
