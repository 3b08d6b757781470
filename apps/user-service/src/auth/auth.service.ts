import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  cleanEmail,
  Events,
  type LoginCommand,
  type LoginMfaCommand,
  type LogoutCommand,
  type MfaChallengeView,
  type PasswordResetConfirm,
  type PasswordResetRequest,
  type SignupRequest,
  type SignupView,
  normaliseEmailForMatching,
  type TokenPairView,
} from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';
import { afterCommit, TenantDatabase, type Tx } from '@engage/database';
import { BadRequestError, DomainError, UnauthorizedError, ValidationError } from '@engage/errors';
import type { Logger } from '@engage/logging';
import { OutboxWriter } from '@engage/messaging';
import { LOGGER } from '@engage/service-runtime';
import { sha256 } from '../crypto/secret-box';
import { recordEvent } from '../identity-events';
import { newTenantBilling } from '../billing/entitlements';
import { MfaService } from '../mfa/mfa.service';
import { TenantsRepository } from '../tenants/tenants.repository';
import { slugCandidates } from '../tenants/slug';
import { type UserRow, UsersRepository } from '../users/users.repository';
import { toTenantView } from '../views';
import { LinkMailer } from './link-mailer';
import { LoginThrottle } from './login-throttle';
import { MAX_MFA_GUESSES, MfaChallenges } from './mfa-challenges';
import { assertPasswordAcceptable } from './password-policy';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords';
import { RefreshFamilies } from './refresh-families';
import { Revocations } from './revocations';
import { issueScopedToken, tenantOfScopedToken } from './scoped-token';
import { SessionIssuer } from './session-issuer';
import { TokensRepository } from './tokens.repository';

const RESET_TTL_MS = 60 * 60 * 1000;
const BAD_CREDENTIALS = 'The email or password is incorrect.';

const inTenant = (ctx: RequestContext, tenantId: string): TenantContext => ({ ...ctx, tenantId });

/** Sign-up, sign-in (with MFA), token refresh with reuse detection, logout and password reset. */
@Injectable()
export class AuthService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly tenants: TenantsRepository,
    private readonly users: UsersRepository,
    private readonly tokens: TokensRepository,
    private readonly sessions: SessionIssuer,
    private readonly families: RefreshFamilies,
    private readonly throttle: LoginThrottle,
    private readonly revocations: Revocations,
    private readonly mfa: MfaService,
    private readonly challenges: MfaChallenges,
    private readonly outbox: OutboxWriter,
    private readonly linkMailer: LinkMailer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A new tenant, its first admin and a session, in one transaction. */
  async signup(ctx: RequestContext, input: SignupRequest): Promise<SignupView> {
    assertPasswordAcceptable(input.password, input.email);
    const passwordHash = await hashPassword(input.password);
    const tenantId = randomUUID();
    const userId = randomUUID();
    const tctx = inTenant(ctx, tenantId);
    return this.db.transaction(tenantId, async (tx) => {
      const slug = await this.claimFreeSlug(tx, input.company_name, tenantId);
      const tenant = await this.tenants.insert(tx, {
        id: tenantId,
        name: input.company_name.trim(),
        slug,
        // Every new tenant tries pro, every module on, for the plan's trial days (issue 21).
        ...newTenantBilling(new Date()),
        settings: { default_country: 'US', timezone: 'UTC' },
      });
      const user = await this.users.insert(tx, {
        tenantId,
        id: userId,
        email: cleanEmail(input.email),
        emailNormalized: normaliseEmailForMatching(input.email),
        fullName: input.full_name.trim(),
        role: 'admin',
        isActive: true,
        passwordHash,
      });
      const actor = { ...tctx, userId };
      await recordEvent(this.outbox, tx, actor, Events.user.tenantCreated, { id: tenantId, version: tenant.version }, {
        tenant: toTenantView(tenant),
      });
      await recordEvent(this.outbox, tx, actor, Events.user.userCreated, { id: userId, version: user.version }, {
        user_id: userId,
        email: user.email,
        role: user.role,
      });
      const session = await this.sessions.issue(tx, user);
      return { ...session, tenant: toTenantView(tenant) };
    });
  }

  async login(ctx: RequestContext, input: LoginCommand): Promise<TokenPairView | MfaChallengeView> {
    // Counted before anything is checked: see LoginThrottle.
    await this.throttle.takeAttempt(input.tenant, input.email, input.ip);
    const tenantId = await this.db.acrossTenants('slug_lookup', (tx) => this.tenants.tenantIdBySlug(tx, input.tenant.toLowerCase()));
    if (!tenantId) {
      await burnPasswordCheck(input.password);
      throw new UnauthorizedError(BAD_CREDENTIALS);
    }
    const tctx = inTenant(ctx, tenantId);
    const user = await this.db.transaction(tenantId, (tx) => this.users.findByEmail(tx, tenantId, input.email));
    const ok = user?.isActive && user.passwordHash ? await verifyPassword(input.password, user.passwordHash) : await burnPasswordCheck(input.password);
    if (!ok || !user) {
      await this.db.transaction(tenantId, (tx) =>
        recordEvent(this.outbox, tx, tctx, Events.user.loginFailed, { id: user?.id ?? tenantId }, {
          user_id: user?.id ?? null,
          ip: input.ip,
          reason: !user ? 'unknown_email' : !user.isActive ? 'inactive' : 'bad_password',
        }),
      );
      throw new UnauthorizedError(BAD_CREDENTIALS);
    }
    await this.throttle.clear(input.tenant, input.email, input.ip);
    if (user.mfaEnabled) return { mfa_required: true, mfa_token: await this.challenges.open(tenantId, user.id) };
    return this.completeLogin(tctx, user, input.ip, 'password');
  }

  async loginWithMfa(ctx: RequestContext, input: LoginMfaCommand): Promise<TokenPairView> {
    const expired = () => new UnauthorizedError('The sign-in step has expired; sign in again.');
    const challenge = await this.challenges.takeGuess(input.mfa_token);
    if (!challenge) throw expired();
    const tctx = inTenant(ctx, challenge.tenantId);
    const user = await this.db.transaction(challenge.tenantId, (tx) => this.users.findById(tx, challenge.tenantId, challenge.userId));
    if (!user?.isActive) throw expired();
    const valid = await this.db.transaction(challenge.tenantId, (tx) => this.mfa.verifyLoginCode(tx, user, input.code));
    if (!valid) {
      // The fifth wrong code ends the step.
      if (challenge.guess >= MAX_MFA_GUESSES) await this.challenges.end(input.mfa_token);
      throw new UnauthorizedError('The code is not valid.');
    }
    if (!(await this.challenges.end(input.mfa_token))) throw expired();
    return this.completeLogin(tctx, user, input.ip, 'mfa');
  }

  /** Spends a refresh token and issues its successor; a spent token used again revokes the family. */
  async refresh(ctx: RequestContext, refreshToken: string | undefined): Promise<TokenPairView> {
    const tenantId = refreshToken ? tenantOfScopedToken('rt', refreshToken) : null;
    if (!refreshToken || !tenantId) throw new UnauthorizedError('The refresh token is not valid.');
    const tctx = inTenant(ctx, tenantId);
    const outcome = await this.db.transaction(tenantId, async (tx) => {
      const row = await this.families.lockToken(tx, tenantId, sha256(refreshToken));
      if (!row) return { error: 'invalid' as const };
      if (row.usedAt || row.revokedAt) {
        await this.families.revoke(tx, tenantId, row.familyId);
        await recordEvent(this.outbox, tx, { ...tctx, userId: row.userId }, Events.user.refreshReused, { id: row.userId }, {
          user_id: row.userId,
          family_id: row.familyId,
        });
        return { error: 'reused' as const, userId: row.userId };
      }
      if (row.expiresAt.getTime() < Date.now()) return { error: 'invalid' as const };
      const user = await this.users.findById(tx, tenantId, row.userId);
      if (!user?.isActive) return { error: 'invalid' as const };
      await this.tokens.markUsed(tx, tenantId, row.id);
      return { session: await this.sessions.issue(tx, user, row.familyId) };
    });
    if ('session' in outcome && outcome.session) return outcome.session;
    if (outcome.error === 'reused') {
      this.logger.warn({ user_id: outcome.userId }, 'refresh token reused: family revoked');
      throw new UnauthorizedError('This refresh token was already used; every session of its sign-in has been ended.');
    }
    throw new UnauthorizedError('The refresh token is not valid.');
  }

  /**
   * Ends this sign-in: the access token, and with a refresh token its whole family. An API key is
   * not a sign-in and is refused (400): it is revoked with DELETE /v1/api-keys/{id}, so that a
   * script's "logout" can never silently leave a key working, nor revoke one by accident.
   */
  async logout(ctx: TenantContext, input: LogoutCommand): Promise<{ logged_out: true }> {
    if (ctx.apiKeyId) {
      throw new BadRequestError('An API key has no session to log out of; revoke the key with DELETE /v1/api-keys/{id}.', { credential: 'api_key' });
    }
    await this.revocations.revokeAccessToken(input.jti, input.exp);
    await this.db.transaction(ctx.tenantId, async (tx) => {
      if (input.refresh_token && tenantOfScopedToken('rt', input.refresh_token) === ctx.tenantId) {
        const row = await this.families.lockToken(tx, ctx.tenantId, sha256(input.refresh_token));
        if (row && row.userId === ctx.userId) await this.families.revoke(tx, ctx.tenantId, row.familyId);
      }
      await recordEvent(this.outbox, tx, ctx, Events.user.loggedOut, { id: ctx.userId! }, { user_id: ctx.userId });
    });
    return { logged_out: true };
  }

  /**
   * Always accepted, and answered before any lookup, so neither the answer nor its timing says
   * whether the account exists. The work happens afterwards.
   */
  requestPasswordReset(ctx: RequestContext, input: PasswordResetRequest): { accepted: true } {
    setImmediate(() => {
      this.createResetToken(ctx, input).catch((error: unknown) => this.logger.error({ err: error }, 'password reset request failed'));
    });
    return { accepted: true };
  }

  async confirmPasswordReset(ctx: RequestContext, input: PasswordResetConfirm): Promise<{ password_changed: true }> {
    const tenantId = tenantOfScopedToken('pr', input.token);
    const invalid = () => new DomainError('invalid_token', 400, 'The link is invalid or has expired; ask for a new one.');
    if (!tenantId) throw invalid();
    const tctx = inTenant(ctx, tenantId);
    const result = await this.db.transaction(tenantId, async (tx) => {
      const row = await this.tokens.findOpenOneTime(tx, tenantId, sha256(input.token));
      if (!row) return null;
      // The user's row lock orders this against other links of the same user being issued or
      // used; the link itself is spent by a conditional update, so only one use can win.
      const user = await this.users.findByIdForUpdate(tx, tenantId, row.userId);
      if (!user?.isActive) return null;
      assertPasswordAcceptable(input.new_password, user.email);
      if (!(await this.tokens.spendOneTime(tx, tenantId, row.id))) return null;
      await this.tokens.voidOpenOneTimeOfUser(tx, tenantId, user.id);
      const updated = await this.users.update(tx, tenantId, user.id, { passwordHash: await hashPassword(input.new_password) });
      await this.tokens.revokeAllOfUser(tx, tenantId, user.id);
      await recordEvent(this.outbox, tx, { ...tctx, userId: user.id }, Events.user.passwordReset, { id: user.id, version: updated.version }, {
        user_id: user.id,
        purpose: row.purpose,
      });
      return user.id;
    });
    if (!result) throw invalid();
    await this.revocations.revokeAllAccessTokensOf(result);
    return { password_changed: true };
  }

  /**
   * An invitation or reset link for `user`. It replaces the user's other open links. Callers hold
   * the user's row lock (or have just inserted the user), so two links issued at once cannot both
   * stay open. The event announces the link without its token; the token goes to notification-
   * service by a direct request once this transaction has committed (ADR 0024), so no event, outbox
   * row or log line ever holds it.
   */
  async issueOneTimeToken(tx: Tx, ctx: TenantContext, user: UserRow, purpose: 'password_reset' | 'invitation') {
    await this.tokens.voidOpenOneTimeOfUser(tx, ctx.tenantId, user.id);
    const token = issueScopedToken('pr', ctx.tenantId);
    const ttl = purpose === 'invitation' ? 7 * 24 * 60 * 60 * 1000 : RESET_TTL_MS;
    await this.tokens.insertOneTime(tx, {
      tenantId: ctx.tenantId,
      id: randomUUID(),
      userId: user.id,
      purpose,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + ttl),
    });
    const expiresAt = new Date(Date.now() + ttl).toISOString();
    const subject = purpose === 'invitation' ? Events.user.userInvited : Events.user.passwordResetRequested;
    await recordEvent(this.outbox, tx, ctx, subject, { id: user.id, version: user.version }, {
      user_id: user.id,
      email: user.email,
      full_name: user.fullName,
      expires_at: expiresAt,
    });
    const link = { kind: purpose, tenantId: ctx.tenantId, requestId: ctx.requestId, userId: user.id, email: user.email, fullName: user.fullName, token, expiresAt };
    afterCommit(tx, () => this.linkMailer.send(link));
  }

  private async createResetToken(ctx: RequestContext, input: PasswordResetRequest): Promise<void> {
    const tenantId = await this.db.acrossTenants('slug_lookup', (tx) => this.tenants.tenantIdBySlug(tx, input.tenant.toLowerCase()));
    if (!tenantId) return;
    await this.db.transaction(tenantId, async (tx) => {
      const found = await this.users.findByEmail(tx, tenantId, input.email);
      const user = found && (await this.users.findByIdForUpdate(tx, tenantId, found.id));
      if (!user?.isActive || !user.passwordHash) return;
      await this.issueOneTimeToken(tx, inTenant(ctx, tenantId), user, 'password_reset');
    });
  }

  private async completeLogin(ctx: TenantContext, user: UserRow, ip: string, method: 'password' | 'mfa'): Promise<TokenPairView> {
    return this.db.transaction(ctx.tenantId, async (tx) => {
      await this.users.touchLogin(tx, ctx.tenantId, user.id);
      await recordEvent(this.outbox, tx, { ...ctx, userId: user.id }, Events.user.loginSucceeded, { id: user.id }, {
        user_id: user.id,
        ip,
        method,
      });
      return this.sessions.issue(tx, user);
    });
  }

  private async claimFreeSlug(tx: Tx, companyName: string, tenantId: string): Promise<string> {
    for (const candidate of slugCandidates(companyName)) {
      if (await this.tenants.claimSlug(tx, candidate, tenantId)) return candidate;
    }
    throw new ValidationError('Could not derive an address for this company name; try another.', { fields: { company_name: ['no free slug'] } });
  }
}
