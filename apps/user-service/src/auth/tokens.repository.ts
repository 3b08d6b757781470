import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { OneTimeTokenEntity } from './one-time-token.entity';
import { RefreshTokenEntity } from './refresh-token.entity';

/** SQL for refresh tokens and one-time (reset, invitation) tokens. Only hashes are stored. */
@Injectable()
export class TokensRepository {
  async insertRefresh(tx: EntityManager, row: Pick<RefreshTokenEntity, 'tenantId' | 'id' | 'userId' | 'familyId' | 'tokenHash' | 'expiresAt' | 'accessJti'>) {
    await tx.getRepository(RefreshTokenEntity).insert({ ...row, usedAt: null, revokedAt: null });
  }

  findRefresh(tx: EntityManager, tenantId: string, tokenHash: string) {
    return tx.getRepository(RefreshTokenEntity).findOneBy({ tenantId, tokenHash });
  }

  /** The token row, locked: two concurrent refreshes with the same token cannot both succeed. */
  findRefreshForUpdate(tx: EntityManager, tenantId: string, tokenHash: string) {
    return tx.getRepository(RefreshTokenEntity).findOne({ where: { tenantId, tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Serialises everything done to one refresh family until the transaction ends: issuing a
   * successor and revoking the family. A revocation then sees every token the family issued.
   */
  async lockFamily(tx: EntityManager, tenantId: string, familyId: string) {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [`identity.refresh_family:${tenantId}`, familyId]);
  }

  async markUsed(tx: EntityManager, tenantId: string, id: string) {
    await tx.getRepository(RefreshTokenEntity).update({ tenantId, id }, { usedAt: new Date() });
  }

  /**
   * Revokes the family's refresh tokens and answers the access tokens it issued that may still
   * be alive (issued less than `accessTtlS` ago), with their expiry in epoch seconds.
   */
  async revokeFamily(tx: EntityManager, tenantId: string, familyId: string, accessTtlS: number): Promise<Array<{ jti: string; exp: number }>> {
    await tx.getRepository(RefreshTokenEntity).update({ tenantId, familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
    const rows: Array<{ jti: string; exp: number }> = await tx.query(
      `SELECT access_jti AS jti, ceil(extract(epoch FROM created_at))::int + $3 AS exp
         FROM identity.refresh_tokens
        WHERE tenant_id = $1 AND family_id = $2 AND access_jti IS NOT NULL AND created_at > now() - make_interval(secs => $3 + 60)`,
      [tenantId, familyId, accessTtlS],
    );
    return rows;
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
