import { Inject, Injectable } from '@nestjs/common';
import { type Role, Subjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { DomainError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';

/** The user behind a browser device, as user-service knows them now (role and whether still active). */
export interface DeviceUser {
  role: Role;
  is_active: boolean;
}

/**
 * A browser call reaches us from Twilio, not from a signed-in request: the device's identity names
 * the user and tenant, and this asks user-service who that user is at the moment of the call, so a
 * user deactivated or demoted after their token was minted cannot dial with it.
 */
export abstract class DeviceUsers {
  /** null when the tenant has no such user. */
  abstract find(tenantId: string, userId: string): Promise<DeviceUser | null>;
}

@Injectable()
export class IdentityDeviceUsers extends DeviceUsers {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {
    super();
  }

  async find(tenantId: string, userId: string): Promise<DeviceUser | null> {
    try {
      const user = await this.rpc.request(Subjects.user.users.me, {}, systemContext({ tenantId, userId }), { timeoutMs: 3000 });
      return { role: user.role, is_active: user.is_active };
    } catch (error) {
      if (error instanceof DomainError && (error.status === 404 || error.status === 401)) return null;
      throw error;
    }
  }
}
