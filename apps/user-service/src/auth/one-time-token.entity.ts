import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { Ref, At, TenantRecord } from '@engage/database';

/** Password-reset and invitation tokens: single use, stored hashed, short-lived. */
@Entity({ schema: 'identity', name: 'one_time_tokens' })
@Index('one_time_tokens_hash_uq', ['tenantId', 'tokenHash'], { unique: true })
export class OneTimeTokenEntity extends TenantRecord {
  @Ref('user_id')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'user_id', referencedColumnName: 'id' },
  ])
  user?: UserEntity;

  @Column({ type: 'text' })
  purpose: 'password_reset' | 'invitation';

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @At('expires_at')
  expiresAt: Date;

  @At('used_at', { nullable: true })
  usedAt: Date | null;

  /**
   * Set when the link stopped counting before it was used: a newer link was issued or used, or
   * the user's email changed. Only the newest link sent to the current address works.
   */
  @At('voided_at', { nullable: true })
  voidedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
