import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { type BillingStatus, BillingStatuses, type PlanName, PlanNames } from './plans';

/** `POST /v1/billing/checkout`: the plan and the number of seats to buy. */
export class CheckoutRequest {
  @ApiProperty({ enum: PlanNames })
  @IsIn(PlanNames)
  plan: PlanName;

  @ApiProperty({ minimum: 1, maximum: 10_000, example: 5 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  seats: number;
}

/** A Stripe-hosted page to send the admin to (Checkout or the Customer Portal). */
export class BillingRedirectView {
  @ApiProperty({ example: 'https://checkout.stripe.com/c/pay/cs_test_…' }) url: string;
}

export class NextInvoiceView {
  @ApiProperty({ description: 'cents' }) amount_due: number;
  @ApiProperty() currency: string;
  @ApiPropertyOptional({ nullable: true, type: String }) due_at: string | null;
}

/** `GET /v1/billing/subscription`. */
export class SubscriptionView {
  @ApiProperty({ enum: PlanNames }) plan: PlanName;
  @ApiProperty({ enum: BillingStatuses }) status: BillingStatus;
  @ApiProperty() seats_used: number;
  @ApiProperty({ description: 'paid seats, or the trial allowance while trialing' }) seats_paid: number;
  @ApiPropertyOptional({ nullable: true, type: String }) trial_ends_at: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) current_period_end: string | null;
  @ApiProperty() cancel_at_period_end: boolean;
  @ApiProperty({ enum: ['ok', 'past_due', 'read_only'], description: 'read_only: past due beyond the grace period; writes answer 402' })
  payment_state: 'ok' | 'past_due' | 'read_only';
  @ApiPropertyOptional({ nullable: true, type: String }) read_only_from: string | null;
  @ApiProperty({ type: [String] }) modules: string[];
  @ApiPropertyOptional({ type: NextInvoiceView, description: 'null when nothing is due (or Stripe could not be asked)' }) next_invoice: NextInvoiceView | null;
}

/** A Stripe webhook as the gateway received it: the raw body (signed) and its Stripe-Signature header. */
export class StripeWebhookCommand {
  @IsString()
  @MaxLength(1_000_000)
  payload: string;

  @IsString()
  @MaxLength(2_000)
  signature: string;
}

/** evt.user.tenant.plan_changed */
export interface TenantPlanChangedEvent {
  tenant_id: string;
  from: { plan: PlanName; modules: string[]; seats: number; status: BillingStatus };
  to: { plan: PlanName; modules: string[]; seats: number; status: BillingStatus };
  stripe_event_id: string;
}
