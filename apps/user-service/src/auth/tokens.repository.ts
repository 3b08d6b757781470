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
    await tx.getRepository(OneTimeTokenEntity).insert({ ...row, usedAt: null, voidedAt: null });
  }

  /** The open link with this hash, if any (not yet used, voided or expired). */
  findOpenOneTime(tx: EntityManager, tenantId: string, tokenHash: string) {
    return tx
      .getRepository(OneTimeTokenEntity)
      .createQueryBuilder('t')
      .where('t.tenant_id = :tenantId AND t.token_hash = :tokenHash', { tenantId, tokenHash })
      .andWhere('t.used_at IS NULL AND t.voided_at IS NULL AND t.expires_at > now()')
      .getOne();
  }

  /** Spends the link in one conditional update: of two uses at once, one wins. */
  async spendOneTime(tx: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `WITH spent AS (
         UPDATE identity.one_time_tokens SET used_at = now()
          WHERE tenant_id = $1 AND id = $2 AND used_at IS NULL AND voided_at IS NULL AND expires_at > now() RETURNING id)
       SELECT id FROM spent`,
      [tenantId, id],
    );
    return rows.length === 1;
  }

  /** Voids every open link of the user (callers hold the user's row lock). */
  async voidOpenOneTimeOfUser(tx: EntityManager, tenantId: string, userId: string) {
    await tx
      .getRepository(OneTimeTokenEntity)
      .update({ tenantId, userId, usedAt: IsNull(), voidedAt: IsNull() }, { voidedAt: new Date() });
  }
}
