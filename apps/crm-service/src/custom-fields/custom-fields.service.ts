import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type CreateCustomFieldRequest, type CustomFieldList, type CustomFieldObject, type CustomFieldView, isReservedKey, type ListCustomFieldsQuery } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import { ConflictError, NotFoundError, ValidationError } from '@engage/errors';
import { assertGranted, requireTenant } from '@engage/access';
import type { Tx } from '@engage/database';
import { CustomFieldsRepository } from './custom-fields.repository';
import type { FieldDefinition } from './custom-field-values';

@Injectable()
export class CustomFieldsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly repository: CustomFieldsRepository,
  ) {}

  async list(ctx: RequestContext, query: ListCustomFieldsQuery): Promise<CustomFieldList> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'custom_fields', 'read');
    return { data: await this.repository.list(tctx.tenantId, query.object_type) };
  }

  async create(ctx: RequestContext, input: CreateCustomFieldRequest): Promise<CustomFieldView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'custom_fields', 'create');
    // Values are stored under this key in `custom_fields` maps: it must be data, never object machinery.
    if (isReservedKey(input.key)) throw new ValidationError('The request is not valid.', { fields: { key: ['is a reserved name'] } });
    const isSelect = input.type === 'single_select' || input.type === 'multi_select';
    if (isSelect && !input.options?.length) {
      throw new ValidationError('The request is not valid.', { fields: { options: ['a select field needs options'] } });
    }
    if (!isSelect && input.options?.length) {
      throw new ValidationError('The request is not valid.', { fields: { options: ['only select fields have options'] } });
    }
    if (isSelect && new Set(input.options).size !== input.options!.length) {
      throw new ValidationError('The request is not valid.', { fields: { options: ['options must be distinct'] } });
    }
    const created = await this.db.transaction(tctx.tenantId, (tx) =>
      this.repository.insert(tx, tctx.tenantId, {
        id: randomUUID(),
        objectType: input.object_type,
        key: input.key,
        label: input.label.trim(),
        type: input.type,
        options: input.options ?? [],
        required: input.required ?? false,
      }),
    );
    if (!created) throw new ConflictError(`A ${input.object_type} custom field with key ${input.key} already exists.`, { key: input.key });
    return created;
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'custom_fields', 'delete');
    await this.db.transaction(tctx.tenantId, async (tx) => {
      const field = await this.repository.findById(tx, tctx.tenantId, id);
      if (!field) throw new NotFoundError('Custom field', id);
      await this.repository.delete(tx, tctx.tenantId, field);
    });
  }

  /** The definitions values of `object` are checked against, read in the writer's transaction. */
  definitionsFor(tx: Tx, tenantId: string, object: CustomFieldObject): Promise<FieldDefinition[]> {
    return this.repository.definitionsFor(tx, tenantId, object);
  }
}
