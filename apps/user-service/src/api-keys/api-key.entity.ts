import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import type { Role } from '@engage/contracts';
import { Ref, At, TenantRecord } from '@engage/database';

@Entity({ schema: 'identity', name: 'api_keys' })
@Index('api_keys_hash_uq', ['tenantId', 'keyHash'], { unique: true })
export class ApiKeyEntity extends TenantRecord {
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  prefix: string;

  /** SHA-256 of the key (the key has 256 bits of randomness, so a slow hash adds nothing). */
  @Column({ name: 'key_hash', type: 'text' })
  keyHash: string;

  @Column({ type: 'text' })
  role: Role;

  @Ref('created_by')
  createdBy: string;

  @At('expires_at', { nullable: true })
  expiresAt: Date | null;

  @At('revoked_at', { nullable: true })
  revokedAt: Date | null;

  @At('last_used_at', { nullable: true })
  lastUsedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
