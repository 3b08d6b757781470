import { randomUUID } from 'node:crypto';
import { api, newTenant, type TenantSession } from '@engage/testing';

/** Crafted input on CRM routes ends as a clear 400, never a 500. */
jest.setTimeout(60_000);

type ErrorBody = { error: string; details?: { fields?: Record<string, string[]> } };

const tampered = (s: string, v: unknown) => Buffer.from(JSON.stringify({ s, v, id: randomUUID() })).toString('base64url');

describe('crafted input on CRM routes', () => {
  let tenant: TenantSession;
  beforeAll(async () => {
    tenant = await newTenant('Crafted');
  });

  it('answers 400 bad_request to list cursors whose value has the wrong type', async () => {
    const t = tenant.accessToken;
    await api('/v1/contacts', { token: t, body: { first_name: 'Paged' } });
    for (const [path, sort, v] of [
      ['/v1/contacts', '-created_at', 'not a time'],
      ['/v1/contacts', 'lead_score', 'ten'],
      ['/v1/contacts', 'name', 42],
      ['/v1/deals', '-updated_at', 1700000000],
      ['/v1/deals', 'name', { nested: true }],
    ] as const) {
      const res = await api<ErrorBody>(`${path}?sort=${sort}&cursor=${tampered(sort, v)}`, { token: t });
      expect({ path, sort, status: res.status, code: res.body.error }).toEqual({ path, sort, status: 400, code: 'bad_request' });
    }
  });

  it('refuses custom field keys and values named constructor, __proto__ or prototype with 400', async () => {
    const t = tenant.accessToken;
    for (const key of ['constructor', 'prototype']) {
      const res = await api<ErrorBody>('/v1/custom-fields', { token: t, body: { object_type: 'contact', key, label: key, type: 'text' } });
      expect({ key, status: res.status }).toEqual({ key, status: 400 });
    }
    // `__proto__` is already refused by the JSON body parser (bad_request); the others by payload validation.
    for (const [raw, code] of [
      ['{"first_name":"A","custom_fields":{"constructor":"x"}}', 'validation_failed'],
      ['{"first_name":"A","custom_fields":{"constructor":{"a":1}}}', 'validation_failed'],
      ['{"first_name":"A","custom_fields":{"prototype":1}}', 'validation_failed'],
      ['{"first_name":"A","custom_fields":{"__proto__":{"a":1}}}', 'bad_request'],
    ]) {
      const res = await api<ErrorBody>('/v1/contacts', { method: 'POST', token: t, rawBody: raw, headers: { 'content-type': 'application/json' } });
      expect({ raw, status: res.status, code: res.body.error }).toEqual({ raw, status: 400, code });
    }
  });
});
