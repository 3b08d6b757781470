import type { ArgumentMetadata } from '@nestjs/common';
import { CreateContactRequest, CreateCustomFieldRequest, UpdateDealCommand, UpdateTenantRequest } from '@engage/contracts';
import { DomainError } from '@engage/errors';
import { createValidationPipe } from './rpc-validation.pipe';

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a 400, but the payload was accepted');
}

describe('payload validation of maps keyed by user input', () => {
  const pipe = createValidationPipe();

  it.each([
    ['a custom field value named constructor', CreateContactRequest, { first_name: 'A', custom_fields: { constructor: { a: 1 } } }, 'custom_fields.constructor'],
    ['a custom field value named constructor (text)', CreateContactRequest, { first_name: 'A', custom_fields: { constructor: 'x' } }, 'custom_fields.constructor'],
    ['a custom field value named __proto__', CreateContactRequest, JSON.parse('{"first_name":"A","custom_fields":{"__proto__":{"polluted":true}}}'), 'custom_fields.__proto__'],
    ['a deal custom field named prototype', UpdateDealCommand, { id: '0190e3c1-0000-7000-8000-000000000000', custom_fields: { prototype: 1 } }, 'custom_fields.prototype'],
    ['a tenant setting named constructor', UpdateTenantRequest, { settings: { constructor: { x: 1 } } }, 'settings.constructor'],
    ['a nested tenant setting named __proto__', UpdateTenantRequest, JSON.parse('{"settings":{"calls":{"__proto__":{"x":1}}}}'), 'settings.calls.__proto__'],
  ])('refuses %s with 400 naming the key', async (_what, metatype, payload, path) => {
    const error = await refusal(pipe.transform(payload, body(metatype)));
    expect(error).toMatchObject({ status: 400, details: { fields: { [path]: expect.any(Array) } } });
  });

  it('refuses a custom field definition keyed constructor or prototype', async () => {
    for (const key of ['constructor', 'prototype']) {
      const error = await refusal(pipe.transform({ object_type: 'contact', key, label: 'X', type: 'text' }, body(CreateCustomFieldRequest)));
      expect(error).toMatchObject({ status: 400, details: { fields: { key: expect.any(Array) } } });
    }
  });

  it('keeps custom field values and settings as null-prototype data, nested objects included', async () => {
    const contact = (await pipe.transform({ first_name: 'A', custom_fields: { tier: 'gold', modules: ['crm'] } }, body(CreateContactRequest))) as CreateContactRequest;
    expect(Object.getPrototypeOf(contact.custom_fields)).toBeNull();
    expect({ ...contact.custom_fields }).toEqual({ tier: 'gold', modules: ['crm'] });
    const tenant = (await pipe.transform({ settings: { calls: { cap: 3 }, default_country: 'US' } }, body(UpdateTenantRequest))) as UpdateTenantRequest;
    expect(Object.getPrototypeOf(tenant.settings)).toBeNull();
    expect(Object.getPrototypeOf(tenant.settings!.calls)).toBeNull();
    expect(JSON.parse(JSON.stringify(tenant.settings))).toEqual({ calls: { cap: 3 }, default_country: 'US' });
  });
});
