import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { OneTimeTokenEntity } from './one-time-token.entity';
import { RefreshTokenEntity } from './refresh-token.entity';

/** SQL for refresh tokens and one-time (reset, invitation) tokens. Only hashes are stored. */
@Injectable()
export class TokensRepository {
  async insertRefresh(tx: EntityManager, row: Pick<RefreshTokenEntity, 'tenantId' | 'id' | 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'>) {
    await tx.getRepository(RefreshTokenEntity).insert({ ...row, usedAt: null, revokedAt: null });
  }

  /** The token row, locked: two concurrent refreshes with the same token cannot both succeed. */
  findRefreshForUpdate(tx: EntityManager, tenantId: string, tokenHash: string) {
    return tx.getRepository(RefreshTokenEntity).findOne({ where: { tenantId, tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async markUsed(tx: EntityManager, tenantId: string, id: string) {
    await tx.getRepository(RefreshTokenEntity).update({ tenantId, id }, { usedAt: new Date() });
  }

  async revokeFamily(tx: EntityManager, tenantId: string, familyId: string) {
    await tx.getRepository(RefreshTokenEntity).update({ tenantId, familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async revokeAllOfUser(tx: EntityManager, tenantId: string, userId: string) {
    await tx.getRepository(RefreshTokenEntity).update({ tenantId, userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async insertOneTime(tx: EntityManager, row: Pick<OneTimeTokenEntity, 'tenantId' | 'id' | 'userId' | 'purpose' | 'tokenHash' | 'expiresAt'>) {
    await tx.getRepository(OneTimeTokenEntity).insert({ ...row, usedAt: null });
  }

  findOneTimeForUpdate(tx: EntityManager, tenantId: string, tokenHash: string) {
    return tx.getRepository(OneTimeTokenEntity).findOne({ where: { tenantId, tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async markOneTimeUsed(tx: EntityManager, tenantId: string, id: string) {
    await tx.getRepository(OneTimeTokenEntity).update({ tenantId, id }, { usedAt: new Date() });
  }
}
