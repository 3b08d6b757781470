import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { AuthController } from './auth.controller';
import { BillingController } from './billing.controller';
import { StripeWebhooksController } from './stripe-webhooks.controller';
import { TenantController } from './tenant.controller';
import { UsersController } from './users.controller';

/** Routes of the identity capability (user-service). */
@Module({ controllers: [AuthController, UsersController, TenantController, ApiKeysController, BillingController, StripeWebhooksController] })
export class IdentityGatewayModule {}
