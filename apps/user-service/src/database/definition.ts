import { EventStreams, Services } from '@engage/contracts';
import { messagingEntities } from '@engage/messaging';
import type { ServiceDefinition } from '@engage/service-runtime';
import { migrations } from '../migrations';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { OneTimeTokenEntity } from '../auth/one-time-token.entity';
import { RefreshTokenEntity } from '../auth/refresh-token.entity';
import { SigningKeyEntity } from '../auth/signing-key.entity';
import { TenantEntity, TenantSlugEntity } from '../tenants/tenant.entity';
import { UserEntity } from '../users/user.entity';
import { StripeEventEntity } from '../billing/stripe-event.entity';

export const SCHEMA = 'identity';

export const userServiceDefinition: ServiceDefinition = {
  name: Services.user,
  schema: SCHEMA,
  entities: [
    ...messagingEntities(SCHEMA),
    TenantSlugEntity,
    TenantEntity,
    UserEntity,
    RefreshTokenEntity,
    OneTimeTokenEntity,
    ApiKeyEntity,
    SigningKeyEntity,
    StripeEventEntity,
  ],
  migrations,
  stream: EventStreams.user,
};
