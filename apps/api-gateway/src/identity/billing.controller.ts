import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BillingRedirectView, CheckoutRequest, Subjects, SubscriptionView } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';

/**
 * Subscription billing (admins only; SPEC section 4). Stripe hosts the payment pages: these
 * routes hand out their urls, and the plan changes when Stripe's webhook says it was paid.
 * They keep working while a past-due tenant is read-only, so the admin can pay.
 */
@ApiTags('billing')
@Controller('v1/billing')
export class BillingController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('billing', 'create')
  @Post('checkout')
  @HttpCode(200)
  @ApiOperation({ summary: 'A Stripe Checkout page to buy seats of a plan (admin)' })
  @ApiOkResponse({ type: BillingRedirectView })
  @ApiResponse({ status: 502, description: '`upstream_error`: Stripe did not answer; nothing changed, retry' })
  checkout(@Body() body: CheckoutRequest, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.billing.checkout, body, ctx);
  }

  @RequirePermission('billing', 'create')
  @Post('portal')
  @HttpCode(200)
  @ApiOperation({ summary: 'A Stripe Customer Portal page: card, invoices, seats, cancellation (admin)' })
  @ApiOkResponse({ type: BillingRedirectView })
  portal(@Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.billing.portal, {}, ctx);
  }

  @RequirePermission('billing', 'read')
  @Get('subscription')
  @ApiOperation({ summary: 'Plan, status, seats used and paid, period end, payment state, next invoice (admin)' })
  @ApiOkResponse({ type: SubscriptionView })
  subscription(@Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.billing.subscription, {}, ctx);
  }
}
