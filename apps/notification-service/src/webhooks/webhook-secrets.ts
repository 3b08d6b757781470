import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@engage/config';
import { UnavailableError } from '@engage/errors';
import { SERVICE_CONFIG } from '@engage/service-runtime';
import type { NotificationConfig } from '../config';

/** The scope an endpoint's secret is sealed under: the tenant's own data key, bound to the endpoint. */
const scopeOf = (tenantId: string, endpointId: string) => `tenant:${tenantId}:webhook:${endpointId}`;

/**
 * Webhook signing secrets at rest: sealed with SecretBox (AES-256-GCM under a key derived per
 * tenant from ENCRYPTION_KEY), the endpoint's id in the additional data, so a sealed secret copied
 * to another endpoint or tenant does not open.
 */
@Injectable()
export class WebhookSecrets {
  private readonly box: SecretBox | null;

  constructor(@Inject(SERVICE_CONFIG) config: NotificationConfig) {
    this.box = config.ENCRYPTION_KEY ? new SecretBox(config.ENCRYPTION_KEY) : null;
  }

  seal(tenantId: string, endpointId: string, secret: string): string {
    return this.required().encrypt(secret, scopeOf(tenantId, endpointId));
  }

  open(tenantId: string, endpointId: string, sealed: string): string {
    return this.required().decrypt(sealed, scopeOf(tenantId, endpointId));
  }

  private required(): SecretBox {
    if (!this.box) throw new UnavailableError('Webhook signing (ENCRYPTION_KEY is not configured)');
    return this.box;
  }
}
