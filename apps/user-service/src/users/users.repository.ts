import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PreparedRead, TenantDatabase } from '@engage/database';
import { normaliseEmailForMatching, type Role } from '@engage/contracts';
import { UserEntity } from './user.entity';

export interface UserPageCursor {
  createdAt: string;
  id: string;
}

/** SQL for users. Every method takes the tenant id; RLS filters again underneath. */
const USER_BY_ID: PreparedRead = {
  name: 'identity_user_by_id',
  text: `SELECT tenant_id, id, email, email_normalized, full_name, role, is_active, password_hash IS NOT NULL AS has_password,
                mfa_enabled, last_login_at, created_at, updated_at, version
           FROM identity.users WHERE tenant_id = $1 AND id = $2`,
};

@Injectable()
export class UsersRepository {
  private repo(tx: EntityManager) {
    return tx.getRepository(UserEntity);
  }

  async insert(tx: EntityManager, user: Omit<UserEntity, 'createdAt' | 'updatedAt' | 'version' | 'lastLoginAt' | 'mfaEnabled' | 'mfaSecretEnc' | 'recoveryCodeHashes' | 'mfaLastStep'>) {
    await this.repo(tx).insert({ ...user, version: 1 });
    return this.repo(tx).findOneByOrFail({ tenantId: user.tenantId, id: user.id });
  }

  /**
   * The hot read path (`GET /v1/me`, user lookups): one prepared statement in one round trip,
   * no ORM hydration (see TenantDatabase.read).
   */
  async findByIdOnce(db: TenantDatabase, tenantId: string, id: string): Promise<UserEntity | null> {
    const rows = await db.read<UserRow>(tenantId, USER_BY_ID, [tenantId, id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  findById(tx: EntityManager, tenantId: string, id: string): Promise<UserEntity | null> {
    return this.repo(tx).findOneBy({ tenantId, id });
  }

  /** Locks the row for the rest of the transaction (role changes, deactivation). */
  findByIdForUpdate(tx: EntityManager, tenantId: string, id: string): Promise<UserEntity | null> {
    return this.repo(tx).findOne({ where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  findByEmail(tx: EntityManager, tenantId: string, email: string): Promise<UserEntity | null> {
    // Look-alikes (full-width, invisible characters, Cyrillic а…) find the same user.
    return this.repo(tx).findOneBy({ tenantId, emailNormalized: normaliseEmailForMatching(email) });
  }

  async emailTaken(tx: EntityManager, tenantId: string, email: string, exceptId?: string): Promise<boolean> {
    const found = await this.findByEmail(tx, tenantId, email);
    return !!found && found.id !== exceptId;
  }

  /**
   * Serialises every change to the tenant's set of active admins (role changes, deactivation):
   * the tenant row is locked until the transaction ends, so two admins demoting or deactivating
   * each other at once are decided one after the other, and the second sees the first's change.
   */
  async lockAdminSet(tx: EntityManager, tenantId: string): Promise<void> {
    await tx.query(`SELECT id FROM identity.tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
  }

  /** Seats in use: every active user, invitations still open included. */
  async countSeats(tx: EntityManager, tenantId: string): Promise<number> {
    return this.repo(tx).countBy({ tenantId, isActive: true });
  }

  async countActiveAdmins(tx: EntityManager, tenantId: string): Promise<number> {
    return this.repo(tx).countBy({ tenantId, role: 'admin', isActive: true });
  }

  /** Keyset page ordered by (created_at, id): stable while users are being added. */
  async page(tx: EntityManager, tenantId: string, opts: { limit: number; after?: UserPageCursor; role?: Role }) {
    const qb = this.repo(tx)
      .createQueryBuilder('u')
      .where('u.tenant_id = :tenantId', { tenantId })
      .orderBy(`date_trunc('milliseconds', u.created_at)`, 'ASC')
      .addOrderBy('u.id', 'ASC')
      .take(opts.limit + 1);
    if (opts.role) qb.andWhere('u.role = :role', { role: opts.role });
    // Cursors carry milliseconds (JavaScript dates); compare at that precision so the last row of
    // a page is never served again on the next one.
    if (opts.after) {
      qb.andWhere(`(date_trunc('milliseconds', u.created_at), u.id) > (:createdAt::timestamptz, :id::uuid)`, {
        createdAt: opts.after.createdAt,
        id: opts.after.id,
      });
    }
    const rows = await qb.getMany();
    return { rows: rows.slice(0, opts.limit), hasMore: rows.length > opts.limit };
  }

  async update(tx: EntityManager, tenantId: string, id: string, changes: Partial<UserEntity>): Promise<UserEntity> {
    await this.repo(tx).update({ tenantId, id }, { ...changes, version: () => 'version + 1' } as never);
    return this.repo(tx).findOneByOrFail({ tenantId, id });
  }

  /**
   * Records `step` as the user's last accepted TOTP step unless that step (or a later one) was
   * already used. One conditional update, so two sign-ins racing with one code cannot both win.
   */
  async spendTotpStep(tx: EntityManager, tenantId: string, id: string, step: number): Promise<boolean> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count], a SELECT with its rows.
    const [{ spent }]: Array<{ spent: number }> = await tx.query(
      `WITH spent AS (
         UPDATE identity.users SET mfa_last_step = $3
          WHERE tenant_id = $1 AND id = $2 AND (mfa_last_step IS NULL OR mfa_last_step < $3) RETURNING id)
       SELECT count(*)::int AS spent FROM spent`,
      [tenantId, id, step],
    );
    return spent === 1;
  }

  /**
   * Spends one recovery code: removes its hash only if it is still there, in one conditional
   * update, so the same code sent to two sign-ins at once works for one of them, and two codes
   * spent at once never put each other back.
   */
  async spendRecoveryCode(tx: EntityManager, tenantId: string, id: string, codeHash: string): Promise<boolean> {
    const [{ spent }]: Array<{ spent: number }> = await tx.query(
      `WITH spent AS (
         UPDATE identity.users SET recovery_code_hashes = array_remove(recovery_code_hashes, $3), version = version + 1, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 AND $3 = ANY(recovery_code_hashes) RETURNING id)
       SELECT count(*)::int AS spent FROM spent`,
      [tenantId, id, codeHash],
    );
    return spent === 1;
  }

  async touchLogin(tx: EntityManager, tenantId: string, id: string) {
    await this.repo(tx).update({ tenantId, id }, { lastLoginAt: new Date() });
  }
}

interface UserRow {
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

/** A read-only user (secrets are not selected on the hot path; has_password stands for the hash). */
const fromRow = (r: UserRow): UserEntity =>
  Object.assign(new UserEntity(), {
    tenantId: r.tenant_id,
    id: r.id,
    email: r.email,
    emailNormalized: r.email_normalized,
    fullName: r.full_name,
    role: r.role,
    isActive: r.is_active,
    passwordHash: r.has_password ? '(not loaded)' : null,
    mfaEnabled: r.mfa_enabled,
    mfaSecretEnc: null,
    recoveryCodeHashes: [],
    lastLoginAt: r.last_login_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  });
