import { Injectable } from '@nestjs/common';
import { normaliseEmailForMatching, type Role } from '@engage/contracts';
import type { PreparedRead, TenantDatabase, Tx } from '@engage/database';
import { assignments, type WritableColumns } from '../database/assignments';

/**
 * A user as stored (`identity.users`). Times are Dates: the views have always sent them with
 * millisecond precision, and the list's cursor compares creation times at that precision.
 */
export interface UserRow {
  tenantId: string;
  id: string;
  /** As given (cleanEmail: NFKC, invisible characters removed, case kept). */
  email: string;
  /**
   * normaliseEmailForMatching (libs/contracts): email is unique within a tenant regardless of case, width,
   * invisible characters, accent encoding and look-alike letters of other scripts.
   */
  emailNormalized: string;
  fullName: string;
  role: Role;
  isActive: boolean;
  /** Null while an invitation is pending. */
  passwordHash: string | null;
  mfaEnabled: boolean;
  /** TOTP secret, AES-256-GCM encrypted (SecretBox from @engage/config). */
  mfaSecretEnc: string | null;
  recoveryCodeHashes: string[];
  /** The 30-second TOTP step of the last code accepted (a bigint, which the driver reads as a string). */
  mfaLastStep: string | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/**
 * A user as the hot read answers it: no secrets are selected, and `passwordHash` only says
 * whether there is one (it is not the hash).
 */
export type UserSummary = Omit<UserRow, 'mfaSecretEnc' | 'recoveryCodeHashes' | 'mfaLastStep'>;

export type UserInsert = Pick<UserRow, 'tenantId' | 'id' | 'email' | 'emailNormalized' | 'fullName' | 'role' | 'isActive' | 'passwordHash'>;

export type UserChanges = Partial<
  Pick<UserRow, 'email' | 'emailNormalized' | 'fullName' | 'role' | 'isActive' | 'passwordHash' | 'mfaEnabled' | 'mfaSecretEnc' | 'recoveryCodeHashes'>
>;

export interface UserPageCursor {
  createdAt: string;
  id: string;
}

const COLUMNS = `tenant_id AS "tenantId", id, email, email_normalized AS "emailNormalized", full_name AS "fullName", role,
  is_active AS "isActive", password_hash AS "passwordHash", mfa_enabled AS "mfaEnabled", mfa_secret_enc AS "mfaSecretEnc",
  recovery_code_hashes AS "recoveryCodeHashes", mfa_last_step AS "mfaLastStep", last_login_at AS "lastLoginAt",
  created_at AS "createdAt", updated_at AS "updatedAt", version`;

const WRITABLE: WritableColumns<Required<UserChanges>> = {
  email: { column: 'email' },
  emailNormalized: { column: 'email_normalized' },
  fullName: { column: 'full_name' },
  role: { column: 'role' },
  isActive: { column: 'is_active' },
  passwordHash: { column: 'password_hash' },
  mfaEnabled: { column: 'mfa_enabled' },
  mfaSecretEnc: { column: 'mfa_secret_enc' },
  recoveryCodeHashes: { column: 'recovery_code_hashes', cast: 'text[]' },
};

/** SQL for users. Every method takes the tenant id; RLS filters again underneath. */
const USER_BY_ID: PreparedRead = {
  name: 'identity_user_by_id',
  text: `SELECT tenant_id, id, email, email_normalized, full_name, role, is_active, password_hash IS NOT NULL AS has_password,
                mfa_enabled, last_login_at, created_at, updated_at, version
           FROM identity.users WHERE tenant_id = $1 AND id = $2`,
};

@Injectable()
export class UsersRepository {
  /** A new user at version 1 (MFA off, no recovery codes, never signed in). */
  async insert(tx: Tx, user: UserInsert): Promise<UserRow> {
    const rows = await tx.query<UserRow>(
      `INSERT INTO identity.users (tenant_id, id, email, email_normalized, full_name, role, is_active, password_hash, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) RETURNING ${COLUMNS}`,
      [user.tenantId, user.id, user.email, user.emailNormalized, user.fullName, user.role, user.isActive, user.passwordHash],
    );
    return rows[0];
  }

  /**
   * The hot read path (`GET /v1/me`, user lookups): one prepared statement in one round trip,
   * no secrets (see TenantDatabase.read).
   */
  async findByIdOnce(db: TenantDatabase, tenantId: string, id: string): Promise<UserSummary | null> {
    const rows = await db.read<SummaryRow>(tenantId, USER_BY_ID, [tenantId, id]);
    return rows[0] ? fromSummaryRow(rows[0]) : null;
  }

  async findById(tx: Tx, tenantId: string, id: string): Promise<UserRow | null> {
    const rows = await tx.query<UserRow>(`SELECT ${COLUMNS} FROM identity.users WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** Locks the row for the rest of the transaction (role changes, deactivation). */
  async findByIdForUpdate(tx: Tx, tenantId: string, id: string): Promise<UserRow | null> {
    const rows = await tx.query<UserRow>(`SELECT ${COLUMNS} FROM identity.users WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id]);
    return rows[0] ?? null;
  }

  async findByEmail(tx: Tx, tenantId: string, email: string): Promise<UserRow | null> {
    // Look-alikes (full-width, invisible characters, Cyrillic а…) find the same user.
    const rows = await tx.query<UserRow>(`SELECT ${COLUMNS} FROM identity.users WHERE tenant_id = $1 AND email_normalized = $2`, [
      tenantId,
      normaliseEmailForMatching(email),
    ]);
    return rows[0] ?? null;
  }

  async emailTaken(tx: Tx, tenantId: string, email: string, exceptId?: string): Promise<boolean> {
    const found = await this.findByEmail(tx, tenantId, email);
    return !!found && found.id !== exceptId;
  }

  /**
   * Serialises every change to the tenant's set of active admins (role changes, deactivation):
   * the tenant row is locked until the transaction ends, so two admins demoting or deactivating
   * each other at once are decided one after the other, and the second sees the first's change.
   */
  async lockAdminSet(tx: Tx, tenantId: string): Promise<void> {
    await tx.query(`SELECT id FROM identity.tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
  }

  /** Seats in use: every active user, invitations still open included. */
  async countSeats(tx: Tx, tenantId: string): Promise<number> {
    const [{ count }] = await tx.query<{ count: number }>(`SELECT count(*)::int AS count FROM identity.users WHERE tenant_id = $1 AND is_active = true`, [
      tenantId,
    ]);
    return count;
  }

  async countActiveAdmins(tx: Tx, tenantId: string): Promise<number> {
    const [{ count }] = await tx.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM identity.users WHERE tenant_id = $1 AND role = 'admin' AND is_active = true`,
      [tenantId],
    );
    return count;
  }

  /** Keyset page ordered by (created_at, id): stable while users are being added. */
  async page(tx: Tx, tenantId: string, opts: { limit: number; after?: UserPageCursor; role?: Role }): Promise<{ rows: UserRow[]; hasMore: boolean }> {
    const params: unknown[] = [tenantId, opts.limit + 1];
    const where = ['tenant_id = $1'];
    if (opts.role) {
      params.push(opts.role);
      where.push(`role = $${params.length}`);
    }
    // Cursors carry milliseconds (JavaScript dates); compare at that precision so the last row of
    // a page is never served again on the next one.
    if (opts.after) {
      params.push(opts.after.createdAt, opts.after.id);
      where.push(`(date_trunc('milliseconds', created_at), id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows = await tx.query<UserRow>(
      `SELECT ${COLUMNS} FROM identity.users WHERE ${where.join(' AND ')}
        ORDER BY date_trunc('milliseconds', created_at) ASC, id ASC LIMIT $2`,
      params,
    );
    return { rows: rows.slice(0, opts.limit), hasMore: rows.length > opts.limit };
  }

  /** Writes `changes`, with a new version and update time; answers the row as it now is. */
  async update(tx: Tx, tenantId: string, id: string, changes: UserChanges): Promise<UserRow> {
    const params: unknown[] = [tenantId, id];
    const sets = assignments(changes, WRITABLE, params);
    const rows = await tx.query<UserRow>(
      `UPDATE identity.users SET ${[...sets, 'version = version + 1', 'updated_at = CURRENT_TIMESTAMP'].join(', ')}
        WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      params,
    );
    if (!rows[0]) throw new Error(`user ${id} not found to update`);
    return rows[0];
  }

  /**
   * Records `step` as the user's last accepted TOTP step unless that step (or a later one) was
   * already used. One conditional update, so two sign-ins racing with one code cannot both win.
   */
  async spendTotpStep(tx: Tx, tenantId: string, id: string, step: number): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE identity.users SET mfa_last_step = $3
        WHERE tenant_id = $1 AND id = $2 AND (mfa_last_step IS NULL OR mfa_last_step < $3) RETURNING id`,
      [tenantId, id, step],
    );
    return rows.length === 1;
  }

  /**
   * Spends one recovery code: removes its hash only if it is still there, in one conditional
   * update, so the same code sent to two sign-ins at once works for one of them, and two codes
   * spent at once never put each other back.
   */
  async spendRecoveryCode(tx: Tx, tenantId: string, id: string, codeHash: string): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE identity.users SET recovery_code_hashes = array_remove(recovery_code_hashes, $3), version = version + 1, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND $3 = ANY(recovery_code_hashes) RETURNING id`,
      [tenantId, id, codeHash],
    );
    return rows.length === 1;
  }

  /**
   * Records the sign-in time. Like every other change of the row it gives the user a new version
   * (and update time), as it always has: the version is the row's, not only its profile's.
   */
  async touchLogin(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.query(`UPDATE identity.users SET last_login_at = $3, version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
      new Date(),
    ]);
  }
}

interface SummaryRow {
  tenant_id: string;
  id: string;
  email: string;
  email_normalized: string;
  full_name: string;
  role: Role;
  is_active: boolean;
  has_password: boolean;
  mfa_enabled: boolean;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const fromSummaryRow = (r: SummaryRow): UserSummary => ({
  tenantId: r.tenant_id,
  id: r.id,
  email: r.email,
  emailNormalized: r.email_normalized,
  fullName: r.full_name,
  role: r.role,
  isActive: r.is_active,
  passwordHash: r.has_password ? '(not loaded)' : null,
  mfaEnabled: r.mfa_enabled,
  lastLoginAt: r.last_login_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});
