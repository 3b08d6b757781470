import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { Ref, At, TenantRecord } from '@engage/database';

/**
 * One refresh token. Tokens descend from a login in a family; each use spends the token and
 * issues its successor. Using a spent token again means it was stolen: the family is revoked.
 */
@Entity({ schema: 'identity', name: 'refresh_tokens' })
@Index('refresh_tokens_hash_uq', ['tenantId', 'tokenHash'], { unique: true })
@Index('refresh_tokens_family_idx', ['tenantId', 'familyId'])
@Index('refresh_tokens_user_idx', ['tenantId', 'userId'])
export class RefreshTokenEntity extends TenantRecord {
  @Ref('user_id')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'user_id', referencedColumnName: 'id' },
  ])
  user?: UserEntity;

  @Ref('family_id')
  familyId: string;

  /** SHA-256 of the token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @At('expires_at')
  expiresAt: Date;

  /**
   * The id (jti) of the access token issued with this refresh token: when the family is revoked,
   * the access tokens it issued are revoked with it. Null for rows older than this column.
   */
  @Ref('access_jti', { nullable: true })
  accessJti: string | null;

  @At('used_at', { nullable: true })
  usedAt: Date | null;

  @At('revoked_at', { nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
