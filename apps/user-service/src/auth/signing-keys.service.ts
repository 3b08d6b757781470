import { createPrivateKey, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { SignJWT } from 'jose';
import { SecretBox } from '@engage/config';
import { ACCESS_TOKEN_TTL_S, type JwksReply, type PublicJwk, type Role } from '@engage/contracts';
import type { Logger } from '@engage/logging';
import { TenantDatabase } from '@engage/database';
import { LOGGER, SERVICE_CONFIG } from '@engage/service-runtime';
import type { UserConfig } from '../config';
import { activeSigningKey, allSigningKeys, insertSigningKey, lockSigningKeys, retireSigningKey } from './signing-keys.sql';

const ROTATE_AFTER_MS = 30 * 24 * 60 * 60 * 1000;
/** A retired key keeps verifying until every token it signed has expired. */
const VERIFY_RETIRED_FOR_MS = (ACCESS_TOKEN_TTL_S + 300) * 1000;
const KEY_SCOPE = 'platform:signing-keys';

export interface AccessTokenInput {
  userId: string;
  tenantId: string;
  role: Role;
}

/**
 * Ed25519 keys that sign access tokens. The private halves are encrypted at rest; a key is
 * rotated every 30 days and the previous one stays in the JWKS until its tokens expire. Several
 * replicas agree on one key through an advisory lock.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private active: { kid: string; key: KeyObject } | null = null;
  private readonly box: SecretBox;

  constructor(
    private readonly db: TenantDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: UserConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.box = new SecretBox(config.ENCRYPTION_KEY);
  }

  async onModuleInit(): Promise<void> {
    await this.loadOrRotate();
  }

  async sign(input: AccessTokenInput): Promise<{ token: string; jti: string; expiresIn: number }> {
    if (!this.active || Date.now() - this.activeSince > ROTATE_AFTER_MS) await this.loadOrRotate();
    const { kid, key } = this.active!;
    const jti = randomUUID();
    // iat_ms: revocation by time needs sub-second precision (a login right after a reset must work).
    const token = await new SignJWT({ tid: input.tenantId, role: input.role, iat_ms: Date.now() })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
      .setSubject(input.userId)
      .setJti(jti)
      .setIssuer(this.config.JWT_ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_S}s`)
      .sign(key);
    return { token, jti, expiresIn: ACCESS_TOKEN_TTL_S };
  }

  async jwks(): Promise<JwksReply> {
    const rows = await this.db.acrossTenants('signing_keys', (tx) => allSigningKeys(tx));
    const keys = rows
      .filter((r) => !r.retiredAt || Date.now() - r.retiredAt.getTime() < VERIFY_RETIRED_FOR_MS)
      .map((r) => r.publicJwk as unknown as PublicJwk);
    return { keys };
  }

  private activeSince = 0;

  /**
   * Loads the active key, or makes a new one when it is due for rotation or when it cannot be
   * decrypted (ENCRYPTION_KEY was replaced): then the unreadable key is retired and sessions
   * signed with it end at their next refresh, rather than the service refusing to start.
   */
  private async loadOrRotate(unreadableKid?: string): Promise<void> {
    const row = await this.db.acrossTenants('signing_keys', async (tx) => {
      await lockSigningKeys(tx);
      const current = await activeSigningKey(tx);
      const usable =
        current && current.kid !== unreadableKid && Date.now() - current.createdAt.getTime() < ROTATE_AFTER_MS ? current : null;
      if (usable) return usable;
      if (current && !current.retiredAt) await retireSigningKey(tx, current.kid, new Date());
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const kid = randomUUID();
      const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const created = await insertSigningKey(tx, { kid, alg: 'EdDSA', publicJwk: jwk, privateKeyEnc: this.box.encrypt(pem, KEY_SCOPE) });
      this.logger.info({ kid }, 'new access-token signing key');
      return created;
    });
    let pem: string;
    try {
      pem = this.box.decrypt(row.privateKeyEnc, KEY_SCOPE);
    } catch (error) {
      if (unreadableKid) throw error;
      this.logger.warn({ kid: row.kid }, 'the active signing key cannot be decrypted with ENCRYPTION_KEY; rotating');
      return this.loadOrRotate(row.kid);
    }
    this.active = { kid: row.kid, key: createPrivateKey(pem) };
    this.activeSince = row.createdAt.getTime();
  }
}
