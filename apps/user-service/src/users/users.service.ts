import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  cleanEmail,
  type CreateUserRequest,
  Events,
  normaliseEmailForMatching,
  type ListUsersQuery,
  type Page,
  type SetRoleCommand,
  type UpdateUserCommand,
  type UserView,
  DEFAULT_PAGE_LIMIT,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TenantDatabase, type Tx } from '@engage/database';
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, ValidationError } from '@engage/errors';
import { OutboxWriter } from '@engage/messaging';
import { assertAllowed, assertSignedIn } from '@engage/access';
import { AuthService } from '../auth/auth.service';
import { assertPasswordAcceptable } from '../auth/password-policy';
import { hashPassword } from '../auth/passwords';
import { Revocations } from '../auth/revocations';
import { TokensRepository } from '../auth/tokens.repository';
import { recordEvent } from '../identity-events';
import { seatAllowance } from '../billing/entitlements';
import { SeatLimitError } from '../billing/entitlement-errors';
import { TenantsRepository } from '../tenants/tenants.repository';
import { toUserView } from '../views';
import { decodeCursor, encodeCursor } from './cursor';
import { type UserRow, UsersRepository } from './users.repository';

/** User administration within a tenant (SPEC section 4, identity). */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly tokens: TokensRepository,
    private readonly revocations: Revocations,
    private readonly auth: AuthService,
    private readonly outbox: OutboxWriter,
  ) {}

  async me(ctx: RequestContext): Promise<UserView> {
    assertSignedIn(ctx);
    const user = await this.users.findByIdOnce(this.db, ctx.tenantId, ctx.userId);
    if (!user) throw new NotFoundError('User');
    return toUserView(user);
  }

  async list(ctx: RequestContext, query: ListUsersQuery): Promise<Page<UserView>> {
    assertAllowed(ctx, 'users', 'read');
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const { rows, hasMore } = await this.db.transaction(ctx.tenantId, (tx) => this.users.page(tx, ctx.tenantId, { limit, after, role: query.role }));
    const last = rows[rows.length - 1];
    return {
      data: rows.map(toUserView),
      page: { has_more: hasMore, next_cursor: hasMore && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null },
    };
  }

  async get(ctx: RequestContext, id: string): Promise<UserView> {
    assertAllowed(ctx, 'users', 'read');
    const user = await this.users.findByIdOnce(this.db, ctx.tenantId, id);
    if (!user) throw new NotFoundError('User', id);
    return toUserView(user);
  }

  /** With a password: an active user. Without: an invitation (a one-time link, by event, for 7 days). */
  async create(ctx: RequestContext, input: CreateUserRequest): Promise<UserView> {
    assertAllowed(ctx, 'users', 'create');
    if (input.password) assertPasswordAcceptable(input.password, input.email);
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    return this.db.transaction(ctx.tenantId, async (tx) => {
      await this.assertSeatFree(tx, ctx.tenantId);
      if (await this.users.emailTaken(tx, ctx.tenantId, input.email)) {
        throw new ConflictError('A user with this email already exists.', { field: 'email' }, 'duplicate');
      }
      const user = await this.users.insert(tx, {
        tenantId: ctx.tenantId,
        id: randomUUID(),
        email: cleanEmail(input.email),
        emailNormalized: normaliseEmailForMatching(input.email),
        fullName: input.full_name.trim(),
        role: input.role,
        isActive: true,
        passwordHash,
      });
      await recordEvent(this.outbox, tx, ctx, Events.user.userCreated, { id: user.id, version: user.version }, {
        user_id: user.id,
        email: user.email,
        role: user.role,
        invited: !passwordHash,
      });
      if (!passwordHash) await this.auth.issueOneTimeToken(tx, ctx, user, 'invitation');
      return toUserView(user);
    });
  }

  /** Admins change anyone; every user may change their own name. */
  async update(ctx: RequestContext, input: UpdateUserCommand): Promise<UserView> {
    assertSignedIn(ctx);
    const isSelf = input.id === ctx.userId;
    const adminOnly = input.email !== undefined || input.is_active !== undefined;
    const allowed = ctx.role === 'admin' || (isSelf && !adminOnly);
    if (!allowed) {
      // A rep or manager asking about someone: existence is visible to them (they can list users), so 403.
      throw new ForbiddenError();
    }
    if (input.is_active === false) return this.deactivate(ctx, input.id);
    const view = await this.db.transaction(ctx.tenantId, async (tx) => {
      // Reactivating someone takes a seat (checked first: the tenant row is locked before the user's, as on create).
      if (input.is_active === true) {
        const target = await this.users.findById(tx, ctx.tenantId, input.id);
        if (target && !target.isActive) await this.assertSeatFree(tx, ctx.tenantId);
      }
      const user = await this.users.findByIdForUpdate(tx, ctx.tenantId, input.id);
      if (!user) throw new NotFoundError('User', input.id);
      // Compared under the row lock, so two writers holding the same ETag cannot both win.
      if (input.if_match !== undefined && input.if_match !== user.version) throw new PreconditionFailedError();
      if (input.email && (await this.users.emailTaken(tx, ctx.tenantId, input.email, user.id))) {
        throw new ConflictError('A user with this email already exists.', { field: 'email' }, 'duplicate');
      }
      const changes = {
        ...(input.full_name !== undefined ? { fullName: input.full_name.trim() } : {}),
        ...(input.email !== undefined ? { email: cleanEmail(input.email), emailNormalized: normaliseEmailForMatching(input.email) } : {}),
        ...(input.is_active === true ? { isActive: true } : {}),
      };
      if (Object.keys(changes).length === 0) throw new ValidationError('Nothing to change.');
      const updated = await this.users.update(tx, ctx.tenantId, user.id, changes);
      if (updated.emailNormalized !== user.emailNormalized) {
        // Links sent to the old address stop working; a pending invitation goes to the new one.
        await this.tokens.voidOpenOneTimeOfUser(tx, ctx.tenantId, user.id);
        if (!updated.passwordHash) await this.auth.issueOneTimeToken(tx, ctx, updated, 'invitation');
      }
      await recordEvent(this.outbox, tx, ctx, Events.user.userUpdated, { id: user.id, version: updated.version }, {
        user_id: user.id,
        changed: Object.keys(input).filter((k) => k !== 'id' && k !== 'if_match'),
      });
      return toUserView(updated);
    });
    return view;
  }

  /** Deactivation: sign-in refused, refresh tokens revoked, live access tokens void at once. */
  async deactivate(ctx: RequestContext, id: string): Promise<UserView> {
    assertAllowed(ctx, 'users', 'delete');
    if (id === ctx.userId) throw new BusinessRuleError('cannot_deactivate_self', 'You cannot deactivate yourself.');
    const view = await this.db.transaction(ctx.tenantId, async (tx) => {
      await this.users.lockAdminSet(tx, ctx.tenantId);
      const user = await this.users.findByIdForUpdate(tx, ctx.tenantId, id);
      if (!user) throw new NotFoundError('User', id);
      if (!user.isActive) return toUserView(user);
      await this.assertNotLastAdmin(tx, ctx.tenantId, user);
      const updated = await this.users.update(tx, ctx.tenantId, id, { isActive: false });
      await this.tokens.revokeAllOfUser(tx, ctx.tenantId, id);
      await recordEvent(this.outbox, tx, ctx, Events.user.userDeactivated, { id, version: updated.version }, { user_id: id });
      return toUserView(updated);
    });
    await this.revocations.revokeAllAccessTokensOf(id);
    return view;
  }

  /** Role changes take effect at once: the user's current access tokens are voided. */
  async setRole(ctx: RequestContext, input: SetRoleCommand): Promise<UserView> {
    assertAllowed(ctx, 'users', 'update');
    const view = await this.db.transaction(ctx.tenantId, async (tx) => {
      await this.users.lockAdminSet(tx, ctx.tenantId);
      const user = await this.users.findByIdForUpdate(tx, ctx.tenantId, input.id);
      if (!user) throw new NotFoundError('User', input.id);
      if (user.role === input.role) return toUserView(user);
      await this.assertNotLastAdmin(tx, ctx.tenantId, user);
      const updated = await this.users.update(tx, ctx.tenantId, user.id, { role: input.role });
      await recordEvent(this.outbox, tx, ctx, Events.user.userRoleChanged, { id: user.id, version: updated.version }, {
        user_id: user.id,
        from: user.role,
        to: input.role,
      });
      return toUserView(updated);
    });
    await this.revocations.revokeAllAccessTokensOf(input.id);
    return view;
  }

  /**
   * A new user or invitation needs a free paid seat (the trial's allowance while trialing). The
   * tenant row is locked so that two admins adding the last seat at once cannot both get it.
   */
  private async assertSeatFree(tx: Tx, tenantId: string): Promise<void> {
    const tenant = await this.tenants.findForUpdate(tx, tenantId);
    if (!tenant) throw new NotFoundError('Tenant');
    const used = await this.users.countSeats(tx, tenantId);
    const paid = seatAllowance(tenant, new Date());
    if (used >= paid) throw new SeatLimitError(used, paid);
  }

  /**
   * A tenant keeps at least one active admin. Called with the admin set locked (lockAdminSet),
   * so the count cannot change before this transaction commits.
   */
  private async assertNotLastAdmin(tx: Tx, tenantId: string, user: UserRow): Promise<void> {
    if (user.role !== 'admin' || !user.isActive) return;
    if ((await this.users.countActiveAdmins(tx, tenantId)) <= 1) {
      throw new BusinessRuleError('last_admin', 'A tenant needs at least one active admin.');
    }
  }
}
