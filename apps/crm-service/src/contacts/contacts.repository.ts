import { Injectable } from '@nestjs/common';
import type { ContactView, PhoneView } from '@engage/contracts';
import { type PreparedRead, TenantDatabase } from '@engage/database';
import { type Tx } from '@engage/database';
import { prefixRange } from './contact-search';
import { SORT_COLUMNS, VIEW } from './contact-columns';
import type { ContactListFilter } from './contact-list-filter';
import { orderedSearch, searchSql } from './contacts-search.sql';
import { addVocabulary, namesForSearchRead, uniquePairs } from './name-vocabulary.sql';

/** Everything a write sets: the client's fields plus the derived search columns and channel keys. */
export interface ContactWrite {
  first_name: string | null;
  last_name: string | null;
  emails: string[];
  phones: PhoneView[];
  company_id: string | null;
  title: string | null;
  owner_id: string | null;
  lifecycle_stage: string;
  lead_score: number;
  tags: string[];
  source: string | null;
  timezone: string | null;
  custom_fields: Record<string, unknown>;
  notes: string | null;
  last_contacted_at: string | null;
  name_sort: string;
  first_key: string;
  last_key: string;
  /** [variant, name key] pairs this contact adds to the tenant's name vocabulary. */
  vocabulary: Array<[string, string]>;
  /** `e:<email>`, `p:<e164>` (duplicate detection) and `r:<reversed digits>` (phone search) rows. */
  channels: string[];
}

/** A listed row: the view plus the text of its sort key, for the next cursor. */
export type ContactListRow = ContactView & { sort_value: string | number | null };

export interface DuplicateHit {
  contact_id: string;
  value: string;
}


/** A channel key shared by more contacts than this (duplicates allowed on purpose) reports only these. */
const CHANNEL_HOLDERS_MAX = 20;

const COLUMNS = `first_name, last_name, emails, phones, company_id, title, owner_id, lifecycle_stage, lead_score, tags, source,
  timezone, custom_fields, notes, last_contacted_at, name_sort, first_key, last_key`;

/** Column types of a contact row travelling as JSON (bulk writes). */
const RECORD_TYPES = `id uuid, first_name text, last_name text, emails jsonb, phones jsonb, company_id uuid, title text, owner_id uuid,
  lifecycle_stage text, lead_score integer, tags jsonb, source text, timezone text, custom_fields jsonb, notes text,
  last_contacted_at timestamptz, name_sort text, first_key text, last_key text`;

const values = (w: ContactWrite) => [
  w.first_name,
  w.last_name,
  w.emails,
  JSON.stringify(w.phones),
  w.company_id,
  w.title,
  w.owner_id,
  w.lifecycle_stage,
  w.lead_score,
  w.tags,
  w.source,
  w.timezone,
  JSON.stringify(w.custom_fields),
  w.notes,
  w.last_contacted_at,
  w.name_sort,
  w.first_key,
  w.last_key,
];

const CONTACT_BY_ID: PreparedRead = {
  name: 'crm_contact_by_id',
  text: `SELECT ${VIEW} FROM crm.contacts c WHERE c.tenant_id = $1 AND c.id = $2 AND c.deleted_at IS NULL`,
};

/** Live contacts holding the channel key of one phone number (`p:<e164>`), oldest first. */
const CONTACTS_BY_PHONE: PreparedRead = {
  name: 'crm_contacts_by_phone',
  text: `SELECT ${VIEW} FROM crm.contact_channels ch
           JOIN crm.contacts c ON c.tenant_id = ch.tenant_id AND c.id = ch.contact_id
          WHERE ch.tenant_id = $1 AND ch.value = $2 AND c.deleted_at IS NULL
          ORDER BY c.created_at, c.id LIMIT ${CHANNEL_HOLDERS_MAX}`,
};

const CONTACTS_BY_EMAILS: PreparedRead = {
  name: 'crm_contacts_by_emails',
  text: `SELECT substr(ch.value, 3) AS email, ch.contact_id FROM crm.contact_channels ch
           JOIN crm.contacts c ON c.tenant_id = ch.tenant_id AND c.id = ch.contact_id
          WHERE ch.tenant_id = $1 AND ch.value = ANY($2::text[]) AND c.deleted_at IS NULL
          ORDER BY ch.value, c.created_at, c.id`,
};

/** The only place that speaks SQL about contacts. Every statement names the tenant (RLS is the second lock). */
@Injectable()
export class ContactsRepository {
  constructor(private readonly db: TenantDatabase) {}

  /** The hot read: one prepared statement in one round trip (see TenantDatabase.read). */
  async findById(tenantId: string, id: string): Promise<ContactView | null> {
    const rows = await this.db.read<ContactView>(tenantId, CONTACT_BY_ID, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** The live contacts carrying `e164` (at most {@link CHANNEL_HOLDERS_MAX}; duplicates are allowed on purpose). */
  async findByPhone(tenantId: string, e164: string): Promise<ContactView[]> {
    return this.db.read<ContactView>(tenantId, CONTACTS_BY_PHONE, [tenantId, `p:${e164}`]);
  }

  /** The live contacts carrying any of `emails` (normalised), as (email, contact) pairs. */
  async matchEmails(tenantId: string, emails: string[]): Promise<{ email: string; contact_id: string }[]> {
    return this.db.read(tenantId, CONTACTS_BY_EMAILS, [tenantId, emails.map((e) => `e:${e}`)]);
  }

  /** Locks the contact for a change; `deleted` selects a soft-deleted one (restore) instead of a live one. */
  async lock(tx: Tx, tenantId: string, id: string, deleted = false): Promise<ContactView | null> {
    const rows: ContactView[] = await tx.query(`SELECT ${VIEW} FROM crm.contacts c WHERE c.tenant_id = $1 AND c.id = $2 AND c.deleted_at IS ${deleted ? 'NOT NULL' : 'NULL'} FOR UPDATE`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  async insert(tx: Tx, tenantId: string, id: string, write: ContactWrite): Promise<ContactView> {
    const rows: ContactView[] = await tx.query(`INSERT INTO crm.contacts AS c (tenant_id, id, ${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17, $18, $19, $20)
       RETURNING ${VIEW}`,
      [tenantId, id, ...values(write)],
    );
    await this.insertChannels(tx, tenantId, id, write.channels);
    await addVocabulary(tx, tenantId, write.vocabulary);
    return rows[0];
  }

  async update(tx: Tx, tenantId: string, id: string, write: ContactWrite, channelsChanged: boolean): Promise<ContactView> {
    const rows: ContactView[] = await tx.query(`UPDATE crm.contacts c SET (${COLUMNS}) =
         ($3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17, $18, $19, $20),
         version = c.version + 1, updated_at = now()
       WHERE c.tenant_id = $1 AND c.id = $2
       RETURNING ${VIEW}`,
      [tenantId, id, ...values(write)],
    );
    if (channelsChanged) {
      await tx.query(`DELETE FROM crm.contact_channels WHERE tenant_id = $1 AND contact_id = $2`, [tenantId, id]);
      await this.insertChannels(tx, tenantId, id, write.channels);
    }
    await addVocabulary(tx, tenantId, write.vocabulary);
    return rows[0];
  }

  async softDelete(tx: Tx, tenantId: string, id: string, mergedInto: string | null = null): Promise<ContactView> {
    const rows: ContactView[] = await tx.query(`UPDATE crm.contacts c SET deleted_at = now(), merged_into = $3, version = c.version + 1, updated_at = now()
       WHERE c.tenant_id = $1 AND c.id = $2 RETURNING ${VIEW}`,
      [tenantId, id, mergedInto],
    );
    return rows[0];
  }

  /** Null when the contact was deleted longer ago than the restore window. */
  async restore(tx: Tx, tenantId: string, id: string, windowDays: number): Promise<ContactView | null> {
    const rows: ContactView[] = await tx.query(`UPDATE crm.contacts c SET deleted_at = NULL, merged_into = NULL, version = c.version + 1, updated_at = now()
       WHERE c.tenant_id = $1 AND c.id = $2 AND c.deleted_at > now() - make_interval(days => $3) AND c.merged_into IS NULL
       RETURNING ${VIEW}`,
      [tenantId, id, windowDays],
    );
    return rows[0] ?? null;
  }

  /**
   * Serialises writers that claim the same email or phone, so two concurrent creates cannot both
   * pass the duplicate check (transaction-scoped advisory locks, in a fixed order).
   */
  async lockChannels(tx: Tx, tenantId: string, channels: string[]): Promise<void> {
    if (channels.length === 0) return;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1 || k, 0)) FROM unnest($2::text[]) AS k ORDER BY k`,
      [tenantId, [...channels].sort()],
    );
  }

  /** A live contact (other than `excludeId`) that already has one of these emails or phones. */
  async findDuplicate(tx: Tx, tenantId: string, channels: string[], excludeId: string | null): Promise<DuplicateHit | null> {
    if (channels.length === 0) return null;
    const rows: DuplicateHit[] = await tx.query(`SELECT ch.contact_id, ch.value FROM crm.contact_channels ch
         JOIN crm.contacts c ON c.tenant_id = ch.tenant_id AND c.id = ch.contact_id AND c.deleted_at IS NULL
        WHERE ch.tenant_id = $1 AND ch.value = ANY($2::text[]) AND ($3::uuid IS NULL OR ch.contact_id <> $3::uuid)
        ORDER BY c.created_at LIMIT 1`,
      [tenantId, channels, excludeId],
    );
    return rows[0] ?? null;
  }

  /** A company was deleted: its contacts no longer belong to it. */
  async unlinkCompany(tx: Tx, tenantId: string, companyId: string): Promise<void> {
    await tx.query(`UPDATE crm.contacts SET company_id = NULL, version = version + 1, updated_at = now() WHERE tenant_id = $1 AND company_id = $2`,
      [tenantId, companyId],
    );
  }

  /**
   * The name lookups of a search, in one statement: the tenant's names reachable from these
   * deletion variants (typos, kind `v`, keyed by variant) and, for each word, the names that start
   * with it (kind `p`, keyed by word; `scanned` tells whether the scan hit its bound), and the
   * companies whose name starts with it (kind `c`, ids in `names`). One prepared statement per
   * word count.
   */
  async namesForSearch(
    tenantId: string,
    variants: string[],
    words: string[],
  ): Promise<Array<{ kind: 'v' | 'p' | 'c'; key: string; names: string[]; scanned: number }>> {
    if (variants.length === 0 && words.length === 0) return [];
    const read = namesForSearchRead(words.length);
    const params: Record<string, unknown> = { tenant: tenantId, variants };
    words.forEach((word, i) => {
      const [lo, hi] = prefixRange(word);
      Object.assign(params, { [`word${i}`]: word, [`lo${i}`]: lo, [`hi${i}`]: hi });
    });
    return this.db.read(tenantId, read.statement, read.values(params));
  }

  async insertChannels(tx: Tx, tenantId: string, contactId: string, channels: string[]): Promise<void> {
    if (channels.length === 0) return;
    await tx.query(`INSERT INTO crm.contact_channels (tenant_id, value, contact_id) SELECT $1, v, $2 FROM unnest($3::text[]) AS v ON CONFLICT DO NOTHING`,
      [tenantId, contactId, channels],
    );
  }

  /**
   * Live contacts holding any of these channel keys (bulk duplicate detection for imports). One
   * channel index probe per key, and a contact lookup only for the keys found, by construction:
   * with a plain `= ANY(...)`, or with the contacts joined in, the planner, misled by the
   * statistics of a tenant that is growing fast during its own import, once preferred scanning
   * all the tenant's channels (or contacts) for every key.
   */
  async findByChannels(tx: Tx, tenantId: string, channels: string[]): Promise<DuplicateHit[]> {
    if (channels.length === 0) return [];
    return tx.query(`SELECT k.value, hit.contact_id FROM unnest($2::text[]) AS k(value)
         CROSS JOIN LATERAL (
           SELECT ch.contact_id,
                  (SELECT c.deleted_at IS NULL FROM crm.contacts c WHERE c.tenant_id = $1 AND c.id = ch.contact_id) AS live
             FROM crm.contact_channels ch
            WHERE ch.tenant_id = $1 AND ch.value = k.value
            LIMIT ${CHANNEL_HOLDERS_MAX}) hit
        WHERE hit.live`,
      [tenantId, [...new Set(channels)]],
    );
  }

  async lockMany(tx: Tx, tenantId: string, ids: string[]): Promise<ContactView[]> {
    if (ids.length === 0) return [];
    return tx.query(`SELECT ${VIEW} FROM unnest($2::uuid[]) AS k(id)
         JOIN LATERAL (SELECT * FROM crm.contacts x WHERE x.tenant_id = $1 AND x.id = k.id AND x.deleted_at IS NULL) c ON true
        ORDER BY c.id FOR UPDATE OF c`,
      [tenantId, ids],
    );
  }

  /**
   * Many contacts in one statement (imports): the rows travel as one JSON document, so the
   * round trips per batch stay constant whatever its size.
   */
  async insertMany(tx: Tx, tenantId: string, rows: Array<ContactWrite & { id: string }>): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(`INSERT INTO crm.contacts (tenant_id, id, ${COLUMNS})
       SELECT $1, x.id, x.first_name, x.last_name, ARRAY(SELECT jsonb_array_elements_text(x.emails)), x.phones, x.company_id, x.title,
              x.owner_id, x.lifecycle_stage, x.lead_score, ARRAY(SELECT jsonb_array_elements_text(x.tags)), x.source, x.timezone,
              x.custom_fields, x.notes, x.last_contacted_at, x.name_sort, x.first_key, x.last_key
         FROM jsonb_to_recordset($2::jsonb) AS x(${RECORD_TYPES})`,
      [tenantId, JSON.stringify(rows.map(({ channels: _c, vocabulary: _v, ...row }) => row))],
    );
    await this.insertChannelsMany(tx, tenantId, rows, 'new');
    await addVocabulary(tx, tenantId, uniquePairs(rows));
  }

  async updateMany(tx: Tx, tenantId: string, rows: Array<ContactWrite & { id: string }>): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(`UPDATE crm.contacts c SET (${COLUMNS}) = (x.first_name, x.last_name, ARRAY(SELECT jsonb_array_elements_text(x.emails)), x.phones,
              x.company_id, x.title, x.owner_id, x.lifecycle_stage, x.lead_score, ARRAY(SELECT jsonb_array_elements_text(x.tags)), x.source,
              x.timezone, x.custom_fields, x.notes, x.last_contacted_at, x.name_sort, x.first_key, x.last_key),
              version = c.version + 1, updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS x(${RECORD_TYPES})
        WHERE c.tenant_id = $1 AND c.id = x.id`,
      [tenantId, JSON.stringify(rows.map(({ channels: _c, vocabulary: _v, ...row }) => row))],
    );
    await this.insertChannelsMany(tx, tenantId, rows, 'existing');
    await addVocabulary(tx, tenantId, uniquePairs(rows));
  }

  /**
   * The channel keys of many contacts. Keys of contacts created in this transaction cannot be
   * there yet, so they are plain inserts (an upsert costs an extra index probe per key, three keys
   * per contact); an existing contact's keys may be, and are left alone.
   */
  private async insertChannelsMany(tx: Tx, tenantId: string, rows: Array<{ id: string; channels: string[] }>, contacts: 'new' | 'existing'): Promise<void> {
    const ids: string[] = [];
    const values: string[] = [];
    for (const row of rows) {
      // Two phones can share their national digits (the same number in two countries): one `r:` key.
      for (const channel of new Set(row.channels)) {
        ids.push(row.id);
        values.push(channel);
      }
    }
    if (values.length === 0) return;
    await tx.query(`INSERT INTO crm.contact_channels (tenant_id, value, contact_id)
       SELECT $1, v, id FROM unnest($2::text[], $3::uuid[]) AS t(v, id)${contacts === 'existing' ? ' ON CONFLICT DO NOTHING' : ''}`,
      [tenantId, values, ids],
    );
  }

  /**
   * One page of contacts. Without `q`, the sort's index drives the scan. With `q`, the matching
   * ids are collected first through the search indexes (GIN: typo keys and trigrams), then scored
   * and sorted: walking a sort index and testing every row against the search would read most of
   * the table for a rare name.
   */
  async list(tenantId: string, filter: ContactListFilter): Promise<ContactListRow[]> {
    const plain = filter.sort.key === 'relevance' && !filter.deleted && !hasFilters(filter);
    const ordered = plain ? orderedSearch(tenantId, filter) : null;
    if (ordered) return this.db.read<ContactListRow>(tenantId, ordered.statement, ordered.values);
    return this.db.readInTenant<ContactListRow>(tenantId, (l, bind) => {
      const where = [`c.tenant_id = ${l(tenantId)}`];
      where.push(filter.deleted ? `c.deleted_at IS NOT NULL AND c.merged_into IS NULL AND c.deleted_at > now() - interval '30 days'` : 'c.deleted_at IS NULL');
      if (filter.ownerId) where.push(`c.owner_id = ${l(filter.ownerId)}`);
      if (filter.companyId) where.push(`c.company_id = ${l(filter.companyId)}`);
      if (filter.lifecycleStage) where.push(`c.lifecycle_stage = ${l(filter.lifecycleStage)}`);
      if (filter.tag) where.push(`c.tags @> ARRAY[${l(filter.tag)}]::text[]`);
      if (filter.updatedSince) where.push(`c.updated_at >= ${l(filter.updatedSince)}::timestamptz`);
      for (const doc of filter.customFields) where.push(`c.custom_fields @> ${l(JSON.stringify(doc))}::jsonb`);
      const dir = filter.sort.descending ? 'DESC' : 'ASC';
      const op = filter.sort.descending ? '<' : '>';

      if (filter.terms.length === 0) {
        const sort = SORT_COLUMNS[filter.sort.key];
        if (filter.after) {
          where.push(`(${sort.column}, c.id) ${op} (${bind(filter.after.v)}::${sort.cast}, ${bind(filter.after.id)}::uuid)`);
        }
        return `SELECT ${VIEW}, ${sort.text} AS sort_value FROM crm.contacts c
                 WHERE ${where.join(' AND ')}
                 ORDER BY ${sort.column} ${dir}, c.id ${dir}
                 LIMIT ${l(filter.take)}`;
      }

      return searchSql(tenantId, filter, where[1], where.slice(2), l, bind);
    });
  }
}

/** Whether a list narrows the rows by anything other than `q`. */
const hasFilters = (f: ContactListFilter): boolean =>
  !!(f.ownerId || f.companyId || f.lifecycleStage || f.tag || f.updatedSince || f.customFields.length > 0);
