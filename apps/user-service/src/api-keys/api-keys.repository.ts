import { Injectable } from '@nestjs/common';
import { type EntityManager, IsNull, LessThan, Or } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

@Injectable()
export class ApiKeysRepository {
  async insert(tx: EntityManager, key: Omit<ApiKeyEntity, 'createdAt' | 'lastUsedAt' | 'revokedAt'>) {
    await tx.getRepository(ApiKeyEntity).insert({ ...key, lastUsedAt: null, revokedAt: null });
    return tx.getRepository(ApiKeyEntity).findOneByOrFail({ tenantId: key.tenantId, id: key.id });
  }

  list(tx: EntityManager, tenantId: string) {
    return tx.getRepository(ApiKeyEntity).find({ where: { tenantId }, order: { createdAt: 'DESC' } });
  }

  find(tx: EntityManager, tenantId: string, id: string) {
    return tx.getRepository(ApiKeyEntity).findOneBy({ tenantId, id });
  }

  findByHash(tx: EntityManager, tenantId: string, keyHash: string) {
    return tx.getRepository(ApiKeyEntity).findOneBy({ tenantId, keyHash });
  }

  async revoke(tx: EntityManager, tenantId: string, id: string) {
    await tx.getRepository(ApiKeyEntity).update({ tenantId, id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return tx.getRepository(ApiKeyEntity).findOneByOrFail({ tenantId, id });
  }

  /** Records use at most once a minute per key, so busy integrations do not write on every call. */
  async touch(tx: EntityManager, tenantId: string, id: string) {
    await tx
      .getRepository(ApiKeyEntity)
      .update({ tenantId, id, lastUsedAt: Or(IsNull(), LessThan(new Date(Date.now() - 60_000))) }, { lastUsedAt: new Date() });
  }
}
