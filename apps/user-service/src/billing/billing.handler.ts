import { Payload } from '@nestjs/microservices';
import { CheckoutRequest, type EmptyRequest, StripeWebhookCommand, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { BillingService } from './billing.service';

@RpcController()
export class BillingHandler {
  constructor(private readonly billing: BillingService) {}

  @Handles(Subjects.user.billing.checkout)
  checkout(@Payload() dto: CheckoutRequest, @Caller() ctx: RequestContext) {
    return this.billing.checkout(ctx, dto);
  }

  @Handles(Subjects.user.billing.portal)
  portal(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.billing.portal(ctx);
  }

  @Handles(Subjects.user.billing.subscription)
  subscription(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.billing.subscription(ctx);
  }

  @Handles(Subjects.user.billing.stripeWebhook)
  stripeWebhook(@Payload() dto: StripeWebhookCommand, @Caller() ctx: RequestContext) {
    return this.billing.handleWebhook(ctx, dto);
  }
}
