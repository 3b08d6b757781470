import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@engage/config';
import { UnavailableError } from '@engage/errors';
import { SERVICE_CONFIG } from '@engage/service-runtime';
import type { ActivityConfig } from '../config';

/** The scope a tenant's Google secrets are sealed under: its own data key, and AAD that binds them to the tenant. */
export const gmailSecretScope = (tenantId: string) => `tenant:${tenantId}:gmail`;

/** The scope stored message bodies are sealed under (a key of their own: a body can never open as a token, nor the reverse). */
export const emailBodyScope = (tenantId: string) => `tenant:${tenantId}:email-body`;

/**
 * Seals and opens what must not be stored in clear: users' Google refresh tokens, the PKCE
 * verifiers of open consent screens, and the message bodies a tenant chose to keep (AES-256-GCM
 * with the tenant's data keys, SPEC section 7).
 */
@Injectable()
export class GmailCredentials {
  private readonly box: SecretBox | null;

  constructor(@Inject(SERVICE_CONFIG) config: ActivityConfig) {
    this.box = config.ENCRYPTION_KEY ? new SecretBox(config.ENCRYPTION_KEY) : null;
  }

  /** 503 unless secrets can be sealed: checked before a consent screen is opened. */
  assertCanSeal(): void {
    if (!this.box) throw new UnavailableError('Gmail (no ENCRYPTION_KEY configured)');
  }

  seal(tenantId: string, secret: string): string {
    return this.opened().encrypt(secret, gmailSecretScope(tenantId));
  }

  open(tenantId: string, sealed: string): string {
    return this.opened().decrypt(sealed, gmailSecretScope(tenantId));
  }

  sealBody(tenantId: string, body: string): string {
    return this.opened().encrypt(body, emailBodyScope(tenantId));
  }

  openBody(tenantId: string, sealed: string): string {
    return this.opened().decrypt(sealed, emailBodyScope(tenantId));
  }

  private opened(): SecretBox {
    this.assertCanSeal();
    return this.box!;
  }
}
