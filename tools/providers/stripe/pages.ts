/**
 * The hosted pages a Checkout or Customer Portal URL opens in a browser: enough for a developer
 * to click through a purchase in the running app (pay, cancel at period end, go back).
 * Tests do the same through the control API.
 */
import type { StripeAccount } from './account';
import type { SubscriptionLifecycle } from './lifecycle';
import { invalidRequest, resourceMissing } from './errors';

export interface PageResult {
  status: number;
  html?: string;
  redirect?: string;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>${escapeHtml(title)}</h1>` +
  `<p><em>Stripe stand-in: development only, no real payment.</em></p>${body}</body></html>`;

const money = (cents: number, currency: string): string => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;

export function checkoutPage(account: StripeAccount, id: string): PageResult {
  const { store } = account;
  const session = store.checkoutSession(id);
  if (session.status !== 'open') return { status: 410, html: page('Checkout', `<p>This session is ${escapeHtml(session.status)}.</p>`) };
  const rows = session.line_items
    .map((li) => {
      const price = store.price(li.price);
      return `<li>${li.quantity} × ${escapeHtml(price.nickname)} at ${money(price.unit_amount, price.currency)} / ${price.interval}</li>`;
    })
    .join('');
  const cancel = session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p>` : '';
  const form = `<form method="post" action="/checkout/${escapeHtml(id)}/pay"><button type="submit">Pay and subscribe</button></form>`;
  return { status: 200, html: page('Checkout', `<ul>${rows}</ul>${form}${cancel}`) };
}

export function payCheckout(account: StripeAccount, id: string): PageResult {
  const session = account.store.checkoutSession(id);
  account.completeCheckout(session);
  return { status: 303, redirect: (session.success_url ?? '/').replace('{CHECKOUT_SESSION_ID}', session.id) };
}

function portalSession(account: StripeAccount, id: string) {
  const session = account.store.portalSessions.get(id);
  if (!session) throw resourceMissing('billing_portal.session', id);
  return session;
}

export function portalPage(account: StripeAccount, id: string): PageResult {
  const { store } = account;
  const session = portalSession(account, id);
  const subs = [...store.subscriptions.values()].filter((s) => s.customer === session.customer && s.status !== 'canceled');
  const rows = subs
    .map((s) => {
      const items = s.items.map((i) => `${i.quantity} × ${escapeHtml(store.price(i.price).nickname)}`).join(', ');
      const until = new Date(s.current_period_end * 1000).toISOString().slice(0, 10);
      const action = s.cancel_at_period_end
        ? `<em>ends ${until}</em>`
        : `<form method="post" action="/portal/${escapeHtml(id)}/cancel/${escapeHtml(s.id)}"><button type="submit">Cancel at period end (${until})</button></form>`;
      return `<li>${escapeHtml(s.status)}: ${items} ${action}</li>`;
    })
    .join('');
  const back = session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return</a></p>` : '';
  return { status: 200, html: page('Billing portal', `<ul>${rows || '<li>No subscriptions.</li>'}</ul>${back}`) };
}

export function portalCancel(account: StripeAccount, lifecycle: SubscriptionLifecycle, id: string, subscriptionId: string): PageResult {
  const session = portalSession(account, id);
  const sub = account.store.subscription(subscriptionId);
  if (sub.customer !== session.customer) throw invalidRequest('This subscription belongs to another customer.');
  lifecycle.cancelAtPeriodEnd(sub);
  return { status: 303, redirect: `/portal/${id}` };
}
