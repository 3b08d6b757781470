import { Injectable } from '@nestjs/common';
import { type ContactView, Events, grantFor } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { TenantDatabase, timeOrderedId } from '@engage/database';
import { type NewEvent, OutboxWriter, outboxEvent } from '@engage/messaging';
import { CompaniesRepository } from '../companies/companies.repository';
import { channelKeys } from '../contacts/contact-input';
import { deriveSearchColumns, foldText, reversedPhoneKeys } from '../contacts/contact-search';
import { type ContactWrite, ContactsRepository } from '../contacts/contacts.repository';
import { normalisePhone } from '../contacts/phone-numbers';
import type { ImportedContact, RowProblem } from './import-row';
import { type ImportCounters, type ImportJob, ImportsRepository } from './imports.repository';

export interface PreparedBatch {
  /** Data rows this batch covers, up to and including `lastRow`. */
  lastRow: number;
  /** Rows known written once this batch commits (batches overlap: a resume starts after it). */
  safeRow: number;
  contacts: ImportedContact[];
  problems: RowProblem[];
}

type Draft = Omit<ContactWrite, 'name_sort' | 'first_key' | 'last_key' | 'vocabulary' | 'channels'>;

const union = <T>(a: T[], b: T[]) => [...new Set([...a, ...b])];

/**
 * Writes one batch of imported rows in one transaction: companies named by the rows, duplicate
 * detection against the tenant's contacts (and earlier rows of the batch), creates and updates
 * in a few multi-row statements, row errors, the job's counters and the batch's events. A crash
 * loses at most the batch in flight; the job resumes after the last committed row.
 */
@Injectable()
export class ImportBatchWriter {
  constructor(
    private readonly db: TenantDatabase,
    private readonly contacts: ContactsRepository,
    private readonly companies: CompaniesRepository,
    private readonly imports: ImportsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Finds or creates the companies a batch names, in a transaction of its own before the batch is
   * written: batches are written two at a time, and must not both create the same company.
   */
  async ensureCompanies(job: ImportJob, ctx: TenantContext, contacts: ImportedContact[], companyCache: CompanyCache): Promise<void> {
    const wanted = [...new Set(contacts.map((c) => c.company).filter((n): n is string => !!n).map((n) => foldText(n)))].filter(
      (n) => !companyCache.byName.has(n),
    );
    if (wanted.length === 0) return;
    await this.db.transaction(job.tenant_id, async (tx) => {
      for (const found of await this.companies.findIdsByNames(tx, job.tenant_id, wanted)) companyCache.add(found.name_sort, found.id, found.name);
      const missing = new Map<string, string>();
      for (const c of contacts) if (c.company && !companyCache.byName.has(foldText(c.company))) missing.set(foldText(c.company), c.company);
      const newCompanies = [...missing].map(([nameSort, name]) => ({
        id: timeOrderedId(),
        name,
        name_sort: nameSort,
        domain: null,
        industry: null,
        size: null,
        owner_id: ctx.userId,
        custom_fields: {},
        search_doc: nameSort,
      }));
      await this.companies.insertMany(tx, job.tenant_id, newCompanies);
      for (const c of newCompanies) companyCache.add(c.name_sort, c.id, c.name);
    });
  }

  async write(
    job: ImportJob,
    ctx: TenantContext,
    batch: PreparedBatch,
    counters: ImportCounters,
    companyCache: CompanyCache,
    announceProgress: boolean,
    knownNames: KnownNames,
  ) {
    const tenantId = job.tenant_id;
    await this.db.transaction(tenantId, async (tx) => {
      const problems = [...batch.problems];
      let created = 0;
      let updated = 0;
      let skipped = 0;

      // Duplicates: against the database (which holds earlier batches), then within this batch.
      const keysOf = (c: ImportedContact) => channelKeys(c.emails, c.phones);
      const hits = new Map<string, string>();
      for (const hit of await this.contacts.findByChannels(tx, tenantId, batch.contacts.flatMap(keysOf))) {
        if (!hits.has(hit.value)) hits.set(hit.value, hit.contact_id);
      }
      const claimedBy = new Map<string, ImportedContact>();
      const toCreate: ImportedContact[] = [];
      const toUpdate = new Map<string, ImportedContact[]>();
      for (const c of batch.contacts) {
        const keys = keysOf(c);
        const existing = keys.map((k) => hits.get(k)).find(Boolean);
        const earlier = keys.map((k) => claimedBy.get(k)).find(Boolean);
        if (job.on_duplicate !== 'create' && (existing || earlier)) {
          if (job.on_duplicate === 'skip') {
            skipped++;
          } else if (existing) {
            toUpdate.set(existing, [...(toUpdate.get(existing) ?? []), c]);
          } else {
            mergeImported(earlier!, c);
            updated++;
          }
          continue;
        }
        for (const k of keys) claimedBy.set(k, c);
        toCreate.push(c);
      }

      // Updates: the file's values win where it has them; emails, phones and tags are united.
      const locked = await this.contacts.lockMany(tx, tenantId, [...toUpdate.keys()]);
      const mayUpdateAny = grantFor(ctx.role, 'contacts', 'update') === 'any';
      const updates: Array<ContactWrite & { id: string }> = [];
      for (const current of locked) {
        const rows = toUpdate.get(current.id)!;
        if (!mayUpdateAny && current.owner_id !== ctx.userId) {
          for (const r of rows) problems.push({ row: r.row, field: null, reason: `matches contact ${current.id}, which belongs to another user` });
          continue;
        }
        let draft = draftOf(current);
        for (const r of rows) draft = applyImported(draft, r, companyCache);
        updates.push({ id: current.id, ...complete(draft) });
        updated += rows.length;
      }
      // A matched contact deleted meanwhile: create instead.
      for (const [id, rows] of toUpdate) if (!locked.some((c) => c.id === id)) toCreate.push(...rows);
      await this.contacts.updateMany(tx, tenantId, knownNames.take(updates));

      const creates = toCreate.map((c) => {
        const draft = applyImported(emptyDraft(ctx.userId), c, companyCache);
        return { id: timeOrderedId(), ...draft, ...(c.derived ?? complete(draft)) };
      });
      await this.contacts.insertMany(tx, tenantId, knownNames.take(creates));
      created += creates.length;

      await this.imports.recordErrors(tx, tenantId, job.id, problems);
      counters.processed = Math.max(counters.processed, batch.safeRow);
      counters.created += created;
      counters.updated += updated;
      counters.skipped += skipped;
      counters.failed += problems.length;
      await this.imports.saveProgress(tx, tenantId, job.id, counters);

      const events: NewEvent[] = [];
      if (creates.length || updates.length) {
        events.push(
          outboxEvent(Events.crm.contactsImported, {
            aggregateId: job.id,
            version: batch.lastRow * 2,
            payload: { import_id: job.id, created_ids: creates.map((c) => c.id), updated_ids: updates.map((u) => u.id) },
          }),
        );
      }
      if (announceProgress) events.push(progressEvent(job, 'processing', counters, batch.lastRow * 2 + 1));
      await this.outbox.append(tx, ctx, events);
    });
  }

  /**
   * Brings the planner's statistics of the contact tables up to date (migration
   * ImportStatistics): planned against the statistics of a tenant with a few contacts, the
   * duplicate check of a large import walks the whole tenant for every email.
   */
  async refreshStatistics(job: ImportJob): Promise<void> {
    await this.db.transaction(job.tenant_id, (tx) => tx.query('SELECT crm.refresh_contact_statistics()'));
  }

  /** Final state of the job, with its last progress event. */
  async finish(job: ImportJob, ctx: TenantContext, status: 'completed' | 'failed', counters: ImportCounters, message: string | null) {
    await this.db.transaction(job.tenant_id, async (tx) => {
      await this.imports.saveProgress(tx, job.tenant_id, job.id, counters);
      await this.imports.setStatus(tx, job.tenant_id, job.id, status, message);
      await this.outbox.append(tx, ctx, [progressEvent(job, status, counters, (counters.processed + 1) * 2 + 1)]);
    });
  }
}

const progressEvent = (job: ImportJob, status: 'processing' | 'completed' | 'failed', c: ImportCounters, version: number) =>
  outboxEvent(Events.crm.importProgress, { aggregateId: job.id, version, payload: { import_id: job.id, status, ...c, user_id: job.created_by } });

const emptyDraft = (ownerId: string | null): Draft => ({
  first_name: null,
  last_name: null,
  emails: [],
  phones: [],
  company_id: null,
  title: null,
  owner_id: ownerId,
  lifecycle_stage: 'lead',
  lead_score: 0,
  tags: [],
  source: 'import',
  timezone: null,
  custom_fields: {},
  notes: null,
  last_contacted_at: null,
});

const draftOf = (c: ContactView): Draft => ({
  first_name: c.first_name,
  last_name: c.last_name,
  emails: c.emails,
  phones: c.phones,
  company_id: c.company_id,
  title: c.title,
  owner_id: c.owner_id,
  lifecycle_stage: c.lifecycle_stage,
  lead_score: c.lead_score,
  tags: c.tags,
  source: c.source,
  timezone: c.timezone,
  custom_fields: c.custom_fields,
  notes: c.notes,
  last_contacted_at: c.last_contacted_at,
});

/**
 * The names (first or last name keys) whose vocabulary pairs an import has written: names repeat
 * across a file, and deriving and writing their pairs again would cost CPU here and an index probe
 * per pair in the database. A name counts as written only once a row carrying its pairs goes to
 * the database (a skipped row's names do not). Bounded: past the cap, repeats are left to ON
 * CONFLICT.
 */
export class KnownNames {
  private static readonly MAX = 200_000;
  private readonly keys = new Set<string>();

  readonly has = (key: string): boolean => this.keys.has(key);

  /** Leaves out the pairs of names already written, and counts the rest as written. */
  take<T extends { vocabulary: Array<[string, string]> }>(rows: T[]): T[] {
    for (const row of rows) {
      if (row.vocabulary.some(([, key]) => this.keys.has(key))) row.vocabulary = row.vocabulary.filter(([, key]) => !this.keys.has(key));
    }
    for (const row of rows) for (const [, key] of row.vocabulary) if (this.keys.size < KnownNames.MAX) this.keys.add(key);
    return rows;
  }
}

/** Companies an import has met, by folded name and by id. */
export class CompanyCache {
  readonly byName = new Map<string, { id: string; name: string }>();
  readonly byId = new Map<string, string>();
  add(nameSort: string, id: string, name: string) {
    this.byName.set(nameSort, { id, name });
    this.byId.set(id, name);
  }
}

/**
 * The derived columns of a row about to be created, computed before its transaction (off the
 * database's critical path), without the vocabulary of names the import already wrote.
 */
export function precomputeSearch(c: ImportedContact, knownNames: KnownNames): void {
  const derived = deriveSearchColumns({ firstName: c.first_name, lastName: c.last_name }, knownNames.has);
  c.derived = {
    name_sort: derived.nameSort,
    first_key: derived.firstKey,
    last_key: derived.lastKey,
    vocabulary: derived.vocabulary,
    channels: [...channelKeys(c.emails, c.phones), ...reversedPhoneKeys(c.phoneDigits)],
  };
}

function applyImported(d: Draft, r: ImportedContact, companies: CompanyCache): Draft {
  const phones = [...d.phones];
  for (const p of r.phones) if (!phones.some((q) => q.number === p.number)) phones.push({ ...p, is_primary: phones.length === 0 });
  return {
    ...d,
    first_name: r.first_name ?? d.first_name,
    last_name: r.last_name ?? d.last_name,
    emails: union(d.emails, r.emails),
    phones,
    company_id: r.company ? companies.byName.get(foldText(r.company))!.id : d.company_id,
    title: r.title ?? d.title,
    lifecycle_stage: r.lifecycle_stage ?? d.lifecycle_stage,
    lead_score: r.lead_score ?? d.lead_score,
    tags: union(d.tags, r.tags).slice(0, 50),
    source: r.source ?? d.source,
    timezone: r.timezone ?? d.timezone,
    custom_fields: { ...d.custom_fields, ...r.custom_fields },
    notes: r.notes ?? d.notes,
  };
}

/** A later row of the same batch with the same email or phone: folded into the earlier one. */
function mergeImported(into: ImportedContact, r: ImportedContact) {
  into.derived = undefined;
  into.first_name = r.first_name ?? into.first_name;
  into.last_name = r.last_name ?? into.last_name;
  into.emails = union(into.emails, r.emails);
  for (const p of r.phones) if (!into.phones.some((q) => q.number === p.number)) into.phones.push({ ...p, is_primary: false });
  into.company = r.company ?? into.company;
  into.title = r.title ?? into.title;
  into.lifecycle_stage = r.lifecycle_stage ?? into.lifecycle_stage;
  into.lead_score = r.lead_score ?? into.lead_score;
  into.tags = union(into.tags, r.tags);
  into.source = r.source ?? into.source;
  into.timezone = r.timezone ?? into.timezone;
  into.notes = r.notes ?? into.notes;
  into.custom_fields = { ...into.custom_fields, ...r.custom_fields };
}

function complete(d: Draft): ContactWrite {
  const derived = deriveSearchColumns({ firstName: d.first_name, lastName: d.last_name });
  const digits = d.phones.map((p) => normalisePhone(p.number)?.nationalDigits ?? '');
  return {
    ...d,
    name_sort: derived.nameSort,
    first_key: derived.firstKey,
    last_key: derived.lastKey,
    vocabulary: derived.vocabulary,
    channels: [...channelKeys(d.emails, d.phones), ...reversedPhoneKeys(digits)],
  };
}
