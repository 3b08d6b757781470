import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest (signing keys, MFA secrets, a tenant's Twilio auth token). Each
 * tenant gets its own data key, derived from the master key (ENCRYPTION_KEY) with HMAC-SHA256 over
 * the tenant id, and the tenant id is also the additional authenticated data: a ciphertext copied
 * into another tenant's row does not decrypt. Shared here so every service seals secrets the same way.
 * Format: v1.<iv>.<tag>.<ciphertext>, base64url parts.
 */
export class SecretBox {
  private readonly masterKey: Buffer;

  constructor(base64Key: string) {
    this.masterKey = Buffer.from(base64Key, 'base64');
    if (this.masterKey.length !== 32) throw new Error('encryption key must be 32 bytes');
  }

  private keyFor(scope: string): Buffer {
    return createHmac('sha256', this.masterKey).update(`engage:data-key:${scope}`).digest();
  }

  encrypt(plaintext: string, scope: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keyFor(scope), iv);
    cipher.setAAD(Buffer.from(scope));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  decrypt(sealed: string, scope: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.keyFor(scope), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(scope));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
