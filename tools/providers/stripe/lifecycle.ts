/**
 * What happens to subscriptions as time passes, driven by the control API: renewals at period
 * end (invoice.paid or invoice.payment_failed → past_due), trials ending, cancellations taking
 * effect at period end, and recovery of a past-due subscription when its invoice is paid.
 */
import { CONTROL_CAUSE, type StripeAccount } from './account';
import { invalidRequest } from './errors';
import type { SubscriptionRecord } from './store';
import { addInterval } from './store';

const TRIAL_WILL_END_NOTICE_SECONDS = 3 * 86400;
const LIVE_STATUSES = new Set(['active', 'trialing', 'past_due']);

export class SubscriptionLifecycle {
  constructor(private readonly account: StripeAccount) {}

  private get store() {
    return this.account.store;
  }

  /** Moves the clock forward and lets every subscription catch up with it. */
  advanceClock(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0) throw invalidRequest('seconds must be a non-negative integer');
    this.store.clockOffsetSeconds += seconds;
    this.catchUp();
  }

  /** Advances the clock exactly to the end of a subscription's current period (its renewal). */
  renew(sub: SubscriptionRecord): void {
    if (!LIVE_STATUSES.has(sub.status)) throw invalidRequest(`Subscription ${sub.id} is ${sub.status}; only live subscriptions renew.`);
    this.advanceClock(Math.max(0, sub.current_period_end - this.store.now()));
  }

  catchUp(): void {
    const now = this.store.now();
    for (const sub of this.store.subscriptions.values()) {
      if (sub.status === 'trialing' && sub.trial_end !== null && !sub.trial_will_end_sent && sub.trial_end - TRIAL_WILL_END_NOTICE_SECONDS <= now) {
        this.trialWillEnd(sub);
      }
      while (LIVE_STATUSES.has(sub.status) && sub.current_period_end <= now) this.periodEnds(sub);
    }
  }

  trialWillEnd(sub: SubscriptionRecord): void {
    if (sub.status !== 'trialing') throw invalidRequest(`Subscription ${sub.id} is not trialing.`);
    sub.trial_will_end_sent = true;
    this.account.emit('customer.subscription.trial_will_end', this.account.subscriptionJson(sub), CONTROL_CAUSE);
  }

  /** The next renewal's charge is declined (once). */
  failNextPayment(sub: SubscriptionRecord): void {
    if (!LIVE_STATUSES.has(sub.status)) throw invalidRequest(`Subscription ${sub.id} is ${sub.status}.`);
    sub.fail_next_payment = true;
  }

  /** The customer fixes their card: the open invoice is paid and the subscription is active again. */
  recover(sub: SubscriptionRecord): void {
    const open = [...this.store.invoices.values()].filter((i) => i.subscription === sub.id && i.status === 'open');
    if (sub.status !== 'past_due' || open.length === 0) {
      throw invalidRequest(`Subscription ${sub.id} is ${sub.status} with no open invoice; nothing to recover.`);
    }
    for (const invoice of open) this.account.payInvoice(invoice, CONTROL_CAUSE);
    this.account.changeSubscription(sub, CONTROL_CAUSE, (s) => (s.status = 'active'));
  }

  /** Cancel at period end, as the Customer Portal does: the subscription stays active until then. */
  cancelAtPeriodEnd(sub: SubscriptionRecord): void {
    if (!LIVE_STATUSES.has(sub.status)) throw invalidRequest(`Subscription ${sub.id} is ${sub.status}.`);
    this.account.changeSubscription(sub, CONTROL_CAUSE, (s) => {
      s.cancel_at_period_end = true;
      s.cancel_at = s.current_period_end;
      s.canceled_at = this.store.now();
    });
  }

  private periodEnds(sub: SubscriptionRecord): void {
    const periodEnd = sub.current_period_end;
    if (sub.cancel_at_period_end || (sub.cancel_at !== null && sub.cancel_at <= periodEnd)) {
      this.account.cancelSubscription(sub, CONTROL_CAUSE, 'cancellation_requested', periodEnd);
      return;
    }
    const interval = this.store.price(sub.items[0].price).interval;
    const fails = sub.fail_next_payment;
    sub.fail_next_payment = false;
    // As Stripe does: the period moves on (and a trial becomes active) first, then the renewal
    // invoice is charged; a declined charge then leaves the subscription past due.
    this.account.changeSubscription(sub, CONTROL_CAUSE, (s) => {
      s.current_period_start = periodEnd;
      s.current_period_end = addInterval(periodEnd, interval);
      if (s.status === 'trialing') s.status = 'active';
    });
    const invoice = this.account.createInvoice(sub, 'subscription_cycle', false);
    sub.latest_invoice = invoice.id;
    if (fails) {
      this.account.failInvoice(invoice, CONTROL_CAUSE);
      this.account.changeSubscription(sub, CONTROL_CAUSE, (s) => (s.status = 'past_due'));
    } else {
      this.account.payInvoice(invoice, CONTROL_CAUSE);
    }
  }
}
