import { Injectable } from '@nestjs/common';
import type { Tx } from '@engage/database';

export type OwnedRecord = 'contact' | 'deal';

/**
 * Who owns each contact and deal, as crm-service's events last said. `activity.created` carries the
 * activity's contact and deal but not their owners; asking crm-service for every activity would
 * put a request (and crm-service's access rules, which know no system caller) in the path of each
 * event, so the owners are projected here from the same CRM events that drive assignment
 * notifications.
 */
@Injectable()
export class RecordOwners {
  async set(tx: Tx, tenantId: string, type: OwnedRecord, id: string, ownerId: string | null): Promise<void> {
    await tx.query(
      `INSERT INTO notification.record_owners (tenant_id, record_type, record_id, owner_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, record_type, record_id) DO UPDATE SET owner_id = EXCLUDED.owner_id`,
      [tenantId, type, id, ownerId],
    );
  }

  async remove(tx: Tx, tenantId: string, type: OwnedRecord, id: string): Promise<void> {
    await tx.query(`DELETE FROM notification.record_owners WHERE tenant_id = $1 AND record_type = $2 AND record_id = $3`, [tenantId, type, id]);
  }

  /** The owners of the given contact and deal (either may be null), without duplicates. */
  async ownersOf(tx: Tx, tenantId: string, contactId: string | null, dealId: string | null): Promise<string[]> {
    if (!contactId && !dealId) return [];
    const rows: Array<{ owner_id: string }> = await tx.query(
      `SELECT DISTINCT owner_id FROM notification.record_owners
        WHERE tenant_id = $1 AND owner_id IS NOT NULL
          AND ((record_type = 'contact' AND record_id = $2::uuid) OR (record_type = 'deal' AND record_id = $3::uuid))`,
      [tenantId, contactId, dealId],
    );
    return rows.map((r) => r.owner_id);
  }
}
