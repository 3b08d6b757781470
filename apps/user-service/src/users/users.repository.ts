import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from '@engage/contracts';
import { UserEntity } from './user.entity';

export interface UserPageCursor {
  createdAt: string;
  id: string;
}

/** SQL for users. Every method takes the tenant id; RLS filters again underneath. */
@Injectable()
export class UsersRepository {
  private repo(tx: EntityManager) {
    return tx.getRepository(UserEntity);
  }

  async insert(tx: EntityManager, user: Omit<UserEntity, 'createdAt' | 'updatedAt' | 'version' | 'lastLoginAt' | 'mfaEnabled' | 'mfaSecretEnc' | 'recoveryCodeHashes'>) {
    await this.repo(tx).insert({ ...user, version: 1 });
    return this.repo(tx).findOneByOrFail({ tenantId: user.tenantId, id: user.id });
  }

  findById(tx: EntityManager, tenantId: string, id: string): Promise<UserEntity | null> {
    return this.repo(tx).findOneBy({ tenantId, id });
  }

  /** Locks the row for the rest of the transaction (role changes, deactivation). */
  findByIdForUpdate(tx: EntityManager, tenantId: string, id: string): Promise<UserEntity | null> {
    return this.repo(tx).findOne({ where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  findByEmail(tx: EntityManager, tenantId: string, email: string): Promise<UserEntity | null> {
    return this.repo(tx).findOneBy({ tenantId, emailNormalized: email.toLowerCase() });
  }

  async emailTaken(tx: EntityManager, tenantId: string, email: string, exceptId?: string): Promise<boolean> {
    const found = await this.findByEmail(tx, tenantId, email);
    return !!found && found.id !== exceptId;
  }

  async countActiveAdmins(tx: EntityManager, tenantId: string): Promise<number> {
    return this.repo(tx).countBy({ tenantId, role: 'admin', isActive: true });
  }

  /** Keyset page ordered by (created_at, id): stable while users are being added. */
  async page(tx: EntityManager, tenantId: string, opts: { limit: number; after?: UserPageCursor; role?: Role }) {
    const qb = this.repo(tx)
      .createQueryBuilder('u')
      .where('u.tenant_id = :tenantId', { tenantId })
      .orderBy('u.created_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .take(opts.limit + 1);
    if (opts.role) qb.andWhere('u.role = :role', { role: opts.role });
    if (opts.after) qb.andWhere('(u.created_at, u.id) > (:createdAt, :id)', { createdAt: opts.after.createdAt, id: opts.after.id });
    const rows = await qb.getMany();
    return { rows: rows.slice(0, opts.limit), hasMore: rows.length > opts.limit };
  }

  async update(tx: EntityManager, tenantId: string, id: string, changes: Partial<UserEntity>): Promise<UserEntity> {
    await this.repo(tx).update({ tenantId, id }, { ...changes, version: () => 'version + 1' } as never);
    return this.repo(tx).findOneByOrFail({ tenantId, id });
  }

  async touchLogin(tx: EntityManager, tenantId: string, id: string) {
    await this.repo(tx).update({ tenantId, id }, { lastLoginAt: new Date() });
  }
}
