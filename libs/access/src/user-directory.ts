import { Inject, Injectable } from '@nestjs/common';
import { Subjects, type Resource } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { DomainError, ValidationError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';
import { assertMayAssign } from './access';

/** Where a user stands in the caller's tenant. */
export type UserStanding = 'active' | 'deactivated' | 'unknown';

const ownerInvalid = (message: string) => new ValidationError('The request is not valid.', { fields: { owner_id: [message] } });

/**
 * The tenant's users as services need them: a record can only be given to a user who exists in
 * the caller's tenant and is active. Users belong to user-service, so the answer comes from there (`user.users.get`, as the caller).
 */
export abstract class UserDirectory {
  protected abstract standing(ctx: RequestContext, userId: string): Promise<UserStanding>;

  /**
   * Refuses a new owner the caller may not assign (403, see assertMayAssign), or one that is no
   * active user of the tenant (400 on `owner_id`; another tenant's user is unknown here). Keeping
   * the current owner, or taking a record oneself, needs no lookup: a record whose owner was
   * deactivated can still be edited without choosing someone new.
   */
  async assertMayAssign(ctx: RequestContext, resource: Resource, newOwnerId: string, currentOwnerId: string | null): Promise<void> {
    assertMayAssign(ctx, resource, newOwnerId, currentOwnerId);
    if (newOwnerId === currentOwnerId || newOwnerId === ctx.userId) return;
    const standing = await this.standing(ctx, newOwnerId);
    if (standing === 'unknown') throw ownerInvalid('no user of this tenant has this id');
    if (standing === 'deactivated') throw ownerInvalid('this user is deactivated');
  }

  /**
   * Where `userId` stands in the caller's tenant, for people named on a record without owning it
   * (a task's assignee, someone @mentioned in a note): another tenant's user is `unknown`.
   */
  standingOf(ctx: RequestContext, userId: string): Promise<UserStanding> {
    return this.standing(ctx, userId);
  }
}

/** Asks user-service, as the caller (whose role may read users: only managers and admins assign). */
@Injectable()
export class IdentityUserDirectory extends UserDirectory {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {
    super();
  }

  protected async standing(ctx: RequestContext, userId: string): Promise<UserStanding> {
    try {
      const user = await this.rpc.request(Subjects.user.users.get, { id: userId }, ctx, { timeoutMs: 3000 });
      return user.is_active ? 'active' : 'deactivated';
    } catch (error) {
      if (error instanceof DomainError && error.status === 404) return 'unknown';
      throw error;
    }
  }
}
