import { Injectable } from '@nestjs/common';
import { type PreparedRead, TenantDatabase, type Tx } from '@engage/database';
import type { LineType } from '@engage/contracts';
import { type DecidingList, e164Prefixes, type NationalDncMark } from './national-dnc-status';

/** The registry row of a number, when the import wrote one. */
export interface RegistryRow extends NationalDncMark {
  country: string | null;
  line_type: LineType | null;
  carrier: string | null;
}

/** A number as the registry knows it: its row (if any) and the national list that decides it (if any). */
export interface RegistryEntry {
  row: RegistryRow | null;
  deciding: DecidingList | null;
}

type LookupRow = {
  list_id: string | null;
  list_date: string | null;
  has_row: boolean;
  country: string | null;
  line_type: LineType | null;
  carrier: string | null;
  national_dnc_listed: boolean | null;
  national_dnc_list_id: string | null;
};

/**
 * One round trip: the newest list whose prefixes cover the number (any prefix of it, as `$2`) and
 * the number's row. The order (list date, then load time) is the one the import decides by.
 */
const LOOKUP: PreparedRead = {
  name: 'telephony_registry_lookup',
  text: `SELECT l.id AS list_id, to_char(l.list_date, 'YYYY-MM-DD') AS list_date, (p.e164 IS NOT NULL) AS has_row,
                p.country, p.line_type, p.carrier, p.national_dnc_listed, p.national_dnc_list_id
           FROM (SELECT 1) AS one
           LEFT JOIN LATERAL (SELECT id, list_date FROM telephony.national_dnc_lists WHERE prefixes && $2::text[]
                               ORDER BY list_date DESC, loaded_at DESC, id DESC LIMIT 1) l ON true
           LEFT JOIN telephony.phone_numbers p ON p.e164 = $1`,
};

/**
 * Reads the phone-number registry. The registry is global (no tenant column, no row-level
 * security) and the runtime role can only SELECT it, so these are reads only; the tenant given to
 * the read pool only picks a connection.
 */
@Injectable()
export class RegistryRepository {
  constructor(private readonly db: TenantDatabase) {}

  /** Inside a transaction (the compliance gate's). */
  async lookupInTx(tx: Tx, e164: string): Promise<RegistryEntry> {
    return toEntry(await tx.query<LookupRow>(LOOKUP.text, [e164, e164Prefixes(e164)]));
  }

  /** On the read pool, for a request of `tenantId`. */
  async lookup(tenantId: string, e164: string): Promise<RegistryEntry> {
    return toEntry(await this.db.read<LookupRow>(tenantId, LOOKUP, [e164, e164Prefixes(e164)]));
  }
}

function toEntry(rows: LookupRow[]): RegistryEntry {
  const r = rows[0];
  return {
    deciding: r.list_id && r.list_date ? { id: r.list_id, list_date: r.list_date } : null,
    row: r.has_row
      ? {
          country: r.country,
          line_type: r.line_type,
          carrier: r.carrier,
          national_dnc_listed: r.national_dnc_listed === true,
          national_dnc_list_id: r.national_dnc_list_id,
        }
      : null,
  };
}
