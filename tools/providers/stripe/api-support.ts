/**
 * Shared pieces of the /v1 handlers: Stripe's list envelope with `limit`/`starting_after`
 * paging, `expand[]` of ids into objects, and reading line items and metadata from a form.
 */
import { invalidParam, missingParam, resourceMissing } from './errors';
import { FormReader, type FormValue } from './form';
import { renderCheckoutSession, renderCustomer, renderInvoice, renderPrice, renderSubscription, type Json } from './objects';
import type { StripeStore } from './store';

export function listOf(items: Json[], form: FormReader, url: string): Json {
  const limit = form.integer('limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidParam('limit', 'This value must be between 1 and 100.');
  const after = form.string('starting_after');
  let start = 0;
  if (after) {
    const index = items.findIndex((item) => item.id === after);
    if (index === -1) throw resourceMissing('object', after, 'starting_after');
    start = index + 1;
  }
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < items.length, url };
}

/** Newest first, as Stripe lists (records are kept in creation order). */
export function newestFirst<T>(values: Iterable<T>): T[] {
  return [...values].reverse();
}

function renderById(store: StripeStore, id: string, baseUrl: string): Json | null {
  if (id.startsWith('cus_')) return store.customers.has(id) ? renderCustomer(store.customer(id)) : null;
  if (id.startsWith('sub_')) return store.subscriptions.has(id) ? renderSubscription(store, store.subscription(id)) : null;
  if (id.startsWith('in_')) return store.invoices.has(id) ? renderInvoice(store, store.invoice(id)) : null;
  if (id.startsWith('price_')) return store.prices.has(id) ? renderPrice(store.price(id)) : null;
  if (id.startsWith('cs_')) return store.checkoutSessions.has(id) ? renderCheckoutSession(store, store.checkoutSession(id), baseUrl) : null;
  return null;
}

/** Replaces ids with objects along each `expand[]` path (e.g. `latest_invoice`, `data.customer`). */
export function expand(store: StripeStore, json: Json, form: FormReader, baseUrl: string): Json {
  const paths = (form.list('expand') ?? []).filter((p): p is string => typeof p === 'string');
  for (const path of paths) expandPath(store, json, path.split('.'), baseUrl);
  return json;
}

function expandPath(store: StripeStore, node: unknown, path: string[], baseUrl: string): void {
  if (node === null || typeof node !== 'object' || path.length === 0) return;
  if (Array.isArray(node)) {
    for (const item of node) expandPath(store, item, path, baseUrl);
    return;
  }
  const record = node as Json;
  const [head, ...rest] = path;
  if (rest.length === 0) {
    const value = record[head];
    if (typeof value === 'string') record[head] = renderById(store, value, baseUrl) ?? value;
    return;
  }
  expandPath(store, record[head], rest, baseUrl);
}

export function subForm(value: FormValue | undefined): FormReader {
  return new FormReader(value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : {});
}

/** `line_items[i][price]` + `line_items[i][quantity]` (quantity defaults to 1 as in Stripe). */
export function readLineItems(form: FormReader, name: string): { price: string; quantity: number }[] | undefined {
  const list = form.list(name);
  if (!list) return undefined;
  return list.map((entry, i) => {
    const item = subForm(entry);
    const price = item.string('price');
    if (!price) throw missingParam(`${name}[${i}][price]`);
    return { price, quantity: item.integer('quantity') ?? 1 };
  });
}
