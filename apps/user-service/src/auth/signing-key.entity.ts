import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { At } from '@engage/database';

/** Platform key pairs that sign access tokens (not tenant data). Private halves are encrypted. */
@Entity({ schema: 'identity', name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: Record<string, unknown>;

  @Column({ name: 'private_key_enc', type: 'text' })
  privateKeyEnc: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** After this, the key no longer signs but still verifies until old tokens have expired. */
  @At('retired_at', { nullable: true })
  retiredAt: Date | null;
}
