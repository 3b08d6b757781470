import { Injectable } from '@nestjs/common';
import type { Role } from '@engage/contracts';
import type { Tx } from '@engage/database';

/**
 * An API key as stored (`identity.api_keys`): only the SHA-256 of the key. Times are Dates, as
 * they always were here: the views have always sent them with millisecond precision.
 */
export interface ApiKeyRow {
  tenantId: string;
  id: string;
  name: string;
  prefix: string;
  keyHash: string;
  role: Role;
  createdBy: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

export type ApiKeyWrite = Pick<ApiKeyRow, 'tenantId' | 'id' | 'name' | 'prefix' | 'keyHash' | 'role' | 'createdBy' | 'expiresAt'>;

const COLUMNS = `tenant_id AS "tenantId", id, name, prefix, key_hash AS "keyHash", role, created_by AS "createdBy", expires_at AS "expiresAt",
  revoked_at AS "revokedAt", last_used_at AS "lastUsedAt", created_at AS "createdAt"`;

/** Records a key's use at most this often, so busy integrations do not write on every call. */
const TOUCH_EVERY_MS = 60_000;

/** SQL of `identity.api_keys`. Every method takes the tenant (RLS filters again underneath). */
@Injectable()
export class ApiKeysRepository {
  async insert(tx: Tx, key: ApiKeyWrite): Promise<ApiKeyRow> {
    const rows = await tx.query<ApiKeyRow>(
      `INSERT INTO identity.api_keys (tenant_id, id, name, prefix, key_hash, role, created_by, expires_at, last_used_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL) RETURNING ${COLUMNS}`,
      [key.tenantId, key.id, key.name, key.prefix, key.keyHash, key.role, key.createdBy, key.expiresAt],
    );
    return rows[0];
  }

  /** The tenant's keys, newest first (revoked and expired ones included). */
  list(tx: Tx, tenantId: string): Promise<ApiKeyRow[]> {
    return tx.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM identity.api_keys WHERE tenant_id = $1 ORDER BY created_at DESC`, [tenantId]);
  }

  async find(tx: Tx, tenantId: string, id: string): Promise<ApiKeyRow | null> {
    const rows = await tx.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM identity.api_keys WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] ?? null;
  }

  async findByHash(tx: Tx, tenantId: string, keyHash: string): Promise<ApiKeyRow | null> {
    const rows = await tx.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM identity.api_keys WHERE tenant_id = $1 AND key_hash = $2`, [tenantId, keyHash]);
    return rows[0] ?? null;
  }

  /** Revokes the key unless it already is (its first revocation time stays); answers the key. */
  async revoke(tx: Tx, tenantId: string, id: string): Promise<ApiKeyRow> {
    await tx.query(`UPDATE identity.api_keys SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`, [tenantId, id, new Date()]);
    const row = await this.find(tx, tenantId, id);
    if (!row) throw new Error(`api key ${id} not found after revoking it`);
    return row;
  }

  /** Records use at most once a minute per key, so busy integrations do not write on every call. */
  async touch(tx: Tx, tenantId: string, id: string): Promise<void> {
    const now = Date.now();
    await tx.query(
      `UPDATE identity.api_keys SET last_used_at = $3 WHERE tenant_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < $4)`,
      [tenantId, id, new Date(now), new Date(now - TOUCH_EVERY_MS)],
    );
  }
}
