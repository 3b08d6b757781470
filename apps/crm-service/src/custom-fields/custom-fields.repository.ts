import { Injectable } from '@nestjs/common';
import type { CustomFieldObject, CustomFieldView } from '@engage/contracts';
import { TenantDatabase } from '@engage/database';
import { isoTime, type Tx } from '@engage/database';
import type { FieldDefinition } from './custom-field-values';

const VIEW = `id, object_type, key, label, type, options, required, ${isoTime('created_at')} AS created_at`;
const RECORD_TABLES: Record<CustomFieldObject, string> = { contact: 'crm.contacts', company: 'crm.companies', deal: 'crm.deals' };

export interface NewCustomField {
  id: string;
  objectType: CustomFieldObject;
  key: string;
  label: string;
  type: string;
  options: string[];
  required: boolean;
}

@Injectable()
export class CustomFieldsRepository {
  constructor(private readonly db: TenantDatabase) {}

  list(tenantId: string, objectType?: CustomFieldObject): Promise<CustomFieldView[]> {
    return this.db.readInTenant<CustomFieldView>(
      tenantId,
      (l) =>
        `SELECT ${VIEW} FROM crm.custom_field_definitions WHERE tenant_id = ${l(tenantId)}` +
        (objectType ? ` AND object_type = ${l(objectType)}` : '') +
        ' ORDER BY object_type, created_at, id',
    );
  }

  async definitionsFor(tx: Tx, tenantId: string, objectType: CustomFieldObject): Promise<FieldDefinition[]> {
    return tx.query(`SELECT key, type, options, required FROM crm.custom_field_definitions WHERE tenant_id = $1 AND object_type = $2`, [
      tenantId,
      objectType,
    ]);
  }

  async findById(tx: Tx, tenantId: string, id: string): Promise<CustomFieldView | null> {
    const rows: CustomFieldView[] = await tx.query(`SELECT ${VIEW} FROM crm.custom_field_definitions WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** Null when the key is taken for this object type. */
  async insert(tx: Tx, tenantId: string, field: NewCustomField): Promise<CustomFieldView | null> {
    const rows: CustomFieldView[] = await tx.query(`INSERT INTO crm.custom_field_definitions (tenant_id, id, object_type, key, label, type, options, required)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, object_type, key) DO NOTHING
       RETURNING ${VIEW}`,
      [tenantId, field.id, field.objectType, field.key, field.label, field.type, field.options, field.required],
    );
    return rows[0] ?? null;
  }

  /** Deletes the definition and the values records hold for it. */
  async delete(tx: Tx, tenantId: string, field: { id: string; object_type: CustomFieldObject; key: string }): Promise<void> {
    await tx.query(`DELETE FROM crm.custom_field_definitions WHERE tenant_id = $1 AND id = $2`, [tenantId, field.id]);
    await tx.query(`UPDATE ${RECORD_TABLES[field.object_type]} SET custom_fields = custom_fields - $2::text WHERE tenant_id = $1 AND custom_fields ? $2::text`, [
      tenantId,
      field.key,
    ]);
  }
}
