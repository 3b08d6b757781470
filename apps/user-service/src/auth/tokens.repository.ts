import { Injectable } from '@nestjs/common';
import type { Tx } from '@engage/database';

/**
 * One refresh token (`identity.refresh_tokens`). Tokens descend from a login in a family; each
 * use spends the token and issues its successor. Using a spent token again means it was stolen:
 * the family is revoked.
 */
export interface RefreshTokenRow {
  tenantId: string;
  id: string;
  userId: string;
  familyId: string;
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  expiresAt: Date;
  /** The id (jti) of the access token issued with this refresh token; null for rows older than the column. */
  accessJti: string | null;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** A password-reset or invitation link (`identity.one_time_tokens`): single use, stored hashed, short-lived. */
export interface OneTimeTokenRow {
  tenantId: string;
  id: string;
  userId: string;
  purpose: 'password_reset' | 'invitation';
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
  /** Set when the link stopped counting before it was used (a newer link, a used one, a new email). */
  voidedAt: Date | null;
  createdAt: Date;
}

const REFRESH_COLUMNS = `tenant_id AS "tenantId", id, user_id AS "userId", family_id AS "familyId", token_hash AS "tokenHash",
  expires_at AS "expiresAt", access_jti AS "accessJti", used_at AS "usedAt", revoked_at AS "revokedAt", created_at AS "createdAt"`;

const ONE_TIME_COLUMNS = `tenant_id AS "tenantId", id, user_id AS "userId", purpose, token_hash AS "tokenHash", expires_at AS "expiresAt",
  used_at AS "usedAt", voided_at AS "voidedAt", created_at AS "createdAt"`;

/** SQL for refresh tokens and one-time (reset, invitation) tokens. Only hashes are stored. */
@Injectable()
export class TokensRepository {
  async insertRefresh(tx: Tx, row: Pick<RefreshTokenRow, 'tenantId' | 'id' | 'userId' | 'familyId' | 'tokenHash' | 'expiresAt' | 'accessJti'>): Promise<void> {
    await tx.query(
      `INSERT INTO identity.refresh_tokens (tenant_id, id, user_id, family_id, token_hash, expires_at, access_jti, used_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)`,
      [row.tenantId, row.id, row.userId, row.familyId, row.tokenHash, row.expiresAt, row.accessJti],
    );
  }

  async findRefresh(tx: Tx, tenantId: string, tokenHash: string): Promise<RefreshTokenRow | null> {
    const rows = await tx.query<RefreshTokenRow>(`SELECT ${REFRESH_COLUMNS} FROM identity.refresh_tokens WHERE tenant_id = $1 AND token_hash = $2`, [
      tenantId,
      tokenHash,
    ]);
    return rows[0] ?? null;
  }

  /** The token row, locked: two concurrent refreshes with the same token cannot both succeed. */
  async findRefreshForUpdate(tx: Tx, tenantId: string, tokenHash: string): Promise<RefreshTokenRow | null> {
    const rows = await tx.query<RefreshTokenRow>(
      `SELECT ${REFRESH_COLUMNS} FROM identity.refresh_tokens WHERE tenant_id = $1 AND token_hash = $2 FOR UPDATE`,
      [tenantId, tokenHash],
    );
    return rows[0] ?? null;
  }

  /**
   * Serialises everything done to one refresh family until the transaction ends: issuing a
   * successor and revoking the family. A revocation then sees every token the family issued.
   */
  async lockFamily(tx: Tx, tenantId: string, familyId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [`identity.refresh_family:${tenantId}`, familyId]);
  }

  async markUsed(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.query(`UPDATE identity.refresh_tokens SET used_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, new Date()]);
  }

  /**
   * Revokes the family's refresh tokens and answers the access tokens it issued that may still
   * be alive (issued less than `accessTtlS` ago), with their expiry in epoch seconds.
   */
  async revokeFamily(tx: Tx, tenantId: string, familyId: string, accessTtlS: number): Promise<Array<{ jti: string; exp: number }>> {
    await tx.query(`UPDATE identity.refresh_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND family_id = $2 AND revoked_at IS NULL`, [
      tenantId,
      familyId,
      new Date(),
    ]);
    return tx.query<{ jti: string; exp: number }>(
      `SELECT access_jti AS jti, ceil(extract(epoch FROM created_at))::int + $3 AS exp
         FROM identity.refresh_tokens
        WHERE tenant_id = $1 AND family_id = $2 AND access_jti IS NOT NULL AND created_at > now() - make_interval(secs => $3 + 60)`,
      [tenantId, familyId, accessTtlS],
    );
  }

  async revokeAllOfUser(tx: Tx, tenantId: string, userId: string): Promise<void> {
    await tx.query(`UPDATE identity.refresh_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL`, [
      tenantId,
      userId,
      new Date(),
    ]);
  }

  async insertOneTime(tx: Tx, row: Pick<OneTimeTokenRow, 'tenantId' | 'id' | 'userId' | 'purpose' | 'tokenHash' | 'expiresAt'>): Promise<void> {
    await tx.query(
      `INSERT INTO identity.one_time_tokens (tenant_id, id, user_id, purpose, token_hash, expires_at, used_at, voided_at)
       VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)`,
      [row.tenantId, row.id, row.userId, row.purpose, row.tokenHash, row.expiresAt],
    );
  }

  /** The open link with this hash, if any (not yet used, voided or expired). */
  async findOpenOneTime(tx: Tx, tenantId: string, tokenHash: string): Promise<OneTimeTokenRow | null> {
    const rows = await tx.query<OneTimeTokenRow>(
      `SELECT ${ONE_TIME_COLUMNS} FROM identity.one_time_tokens
        WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL AND voided_at IS NULL AND expires_at > now()`,
      [tenantId, tokenHash],
    );
    return rows[0] ?? null;
  }

  /** Spends the link in one conditional update: of two uses at once, one wins. */
  async spendOneTime(tx: Tx, tenantId: string, id: string): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE identity.one_time_tokens SET used_at = now()
        WHERE tenant_id = $1 AND id = $2 AND used_at IS NULL AND voided_at IS NULL AND expires_at > now() RETURNING id`,
      [tenantId, id],
    );
    return rows.length === 1;
  }

  /** Voids every open link of the user (callers hold the user's row lock). */
  async voidOpenOneTimeOfUser(tx: Tx, tenantId: string, userId: string): Promise<void> {
    await tx.query(`UPDATE identity.one_time_tokens SET voided_at = $3 WHERE tenant_id = $1 AND user_id = $2 AND used_at IS NULL AND voided_at IS NULL`, [
      tenantId,
      userId,
      new Date(),
    ]);
  }
}
