import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { Role } from '@engage/contracts';
import { At, TenantRecord } from '@engage/database';

@Entity({ schema: 'identity', name: 'users' })
@Index('users_tenant_email_uq', ['tenantId', 'emailNormalized'], { unique: true })
export class UserEntity extends TenantRecord {
  @Column({ type: 'text' })
  email: string;

  /**
   * normaliseEmailForMatching (libs/contracts): email is unique within a tenant regardless of case, width,
   * invisible characters, accent encoding and look-alike letters of other scripts.
   */
  @Column({ name: 'email_normalized', type: 'text' })
  emailNormalized: string;

  @Column({ name: 'full_name', type: 'text' })
  fullName: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  /** Null while an invitation is pending. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ name: 'mfa_enabled', type: 'boolean', default: false })
  mfaEnabled: boolean;

  /** TOTP secret, AES-256-GCM encrypted (SecretBox from @engage/config). */
  @Column({ name: 'mfa_secret_enc', type: 'text', nullable: true })
  mfaSecretEnc: string | null;

  @Column({ name: 'recovery_code_hashes', type: 'text', array: true, default: () => `'{}'` })
  recoveryCodeHashes: string[];

  /**
   * The 30-second TOTP step of the last code accepted: a code is good once (RFC 6238 §5.2), so
   * a code seen over someone's shoulder cannot be replayed within its window. Bigint: TypeORM
   * reads it as a string.
   */
  @Column({ name: 'mfa_last_step', type: 'bigint', nullable: true })
  mfaLastStep: string | null;

  @At('last_login_at', { nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
