import { Injectable } from '@nestjs/common';
import {
  CONTACT_FIELDS,
  type ContactEmailMatches,
  type ContactList,
  type ContactPage,
  type ContactView,
  type CreateContactCommand,
  Events,
  type DeleteContactCommand,
  type ListContactsQuery,
  type MergeContactCommand,
  normaliseEmailForMatching,
  RESTORE_WINDOW_DAYS,
  type UpdateContactCommand,
} from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';
import { TenantDatabase, timeOrderedId } from '@engage/database';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '@engage/errors';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { CompaniesRepository } from '../companies/companies.repository';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { customFieldFilter, validateCustomFields } from '../custom-fields/custom-field-values';
import { contactChangedEvents } from '../deals/deal-events';
import { DealsRepository } from '../deals/deals.repository';
import { assertGranted, assertMayTouch, requireTenant } from '@engage/access';
import { UserDirectory } from '@engage/access';
import { decodeCursor, invalidCursor, pageLimit, parseSort, toPage } from '@engage/database';
import type { Tx } from '@engage/database';
import { MAX_PREFIX_NAMES, deriveSearchColumns, parseSearch, relevanceKey, reversedPhoneKeys, type SearchTerm } from './contact-search';
import { assertTimezone, channelKeys, derivedTimezone, normaliseEmails, normalisePhones } from './contact-input';
import { normalisePhone } from './phone-numbers';
import { type ContactWrite, ContactsRepository } from './contacts.repository';
import { PREFIX_SCAN_LIMIT } from './name-vocabulary.sql';
import { contactCursorKind } from './contact-columns';

const UPDATABLE = [
  ...CONTACT_FIELDS,
  'custom_fields',
  'notes',
  'last_contacted_at',
] as const;

/** A contact's fields before the derived ones (search keys, channels) are added. */
type ContactDraft = Omit<ContactWrite, 'name_sort' | 'first_key' | 'last_key' | 'vocabulary' | 'channels'>;

const trimmed = (s: string | null | undefined) => (s == null ? null : s.trim() || null);

@Injectable()
export class ContactsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly contacts: ContactsRepository,
    private readonly companies: CompaniesRepository,
    private readonly deals: DealsRepository,
    private readonly customFields: CustomFieldsService,
    private readonly outbox: OutboxWriter,
    private readonly users: UserDirectory,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<ContactView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'contacts', 'read');
    const contact = await this.contacts.findById(tctx.tenantId, id);
    if (!contact) throw new NotFoundError('Contact', id);
    return contact;
  }

  /**
   * The live contacts carrying a phone number, for other services: telephony matches an inbound
   * text to its sender this way. A user's request needs `contacts:read`; a request with no user
   * and no role is another service acting for the tenant (the gateway always forwards the
   * caller's role), and sees the tenant's contacts like any reader, never another tenant's.
   */
  async findByPhone(ctx: RequestContext, phone: string): Promise<ContactList> {
    const tctx = requireTenant(ctx);
    if (ctx.userId !== null || ctx.role !== null) assertGranted(ctx, 'contacts', 'read');
    const number = normalisePhone(phone);
    if (!number) throw new ValidationError('phone is not a valid phone number.', { fields: { phone: ['phone must be a valid E.164 phone number'] } });
    return { data: await this.contacts.findByPhone(tctx.tenantId, number.number) };
  }

  /**
   * Which live contacts carry which of `emails` (compared as normaliseEmailForMatching writes them),
   * for other services: a mailbox sync matches every participant of a page of messages in one
   * request. The same access rule as {@link findByPhone}.
   */
  async matchEmails(ctx: RequestContext, emails: readonly string[]): Promise<ContactEmailMatches> {
    const tctx = requireTenant(ctx);
    if (ctx.userId !== null || ctx.role !== null) assertGranted(ctx, 'contacts', 'read');
    const keys = [...new Set(emails.map((e) => normaliseEmailForMatching(e)).filter((e) => e.includes('@')))];
    return { matches: keys.length === 0 ? [] : await this.contacts.matchEmails(tctx.tenantId, keys) };
  }

  async create(ctx: RequestContext, input: CreateContactCommand): Promise<ContactView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'contacts', 'create');
    if (input.owner_id) await this.users.assertMayAssign(ctx, 'contacts', input.owner_id, null);
    const emails = normaliseEmails(input.emails ?? []);
    const phones = normalisePhones(input.phones ?? [], null);
    if (!trimmed(input.first_name) && !trimmed(input.last_name) && emails.length === 0 && phones.length === 0) {
      throw new ValidationError('A contact needs a name, an email or a phone.', { fields: { first_name: ['give a name, an email or a phone'] } });
    }
    if (input.timezone) assertTimezone(input.timezone);
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const draft: ContactDraft = {
        first_name: trimmed(input.first_name),
        last_name: trimmed(input.last_name),
        emails,
        phones,
        company_id: input.company_id ?? null,
        title: trimmed(input.title),
        owner_id: input.owner_id ?? ctx.userId,
        lifecycle_stage: input.lifecycle_stage ?? 'lead',
        lead_score: input.lead_score ?? 0,
        tags: [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))],
        source: trimmed(input.source),
        timezone: input.timezone ?? derivedTimezone(phones),
        custom_fields: validateCustomFields('contact', await this.customFields.definitionsFor(tx, tctx.tenantId, 'contact'), input.custom_fields, null),
        notes: input.notes ?? null,
        last_contacted_at: input.last_contacted_at ?? null,
      };
      const write = await this.complete(tx, tctx.tenantId, draft);
      if (!input.allow_duplicate) await this.assertNoDuplicate(tx, tctx.tenantId, channelKeys(write.emails, write.phones), null);
      const contact = await this.contacts.insert(tx, tctx.tenantId, timeOrderedId(), write);
      await this.outbox.append(tx, tctx, [
        outboxEvent(Events.crm.contactCreated, { aggregateId: contact.id, version: contact.version, payload: { contact } }),
      ]);
      return contact;
    });
  }

  async update(ctx: RequestContext, input: UpdateContactCommand): Promise<ContactView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'contacts', 'update');
    const phones = input.phones !== undefined ? normalisePhones(input.phones, null) : undefined;
    if (input.timezone) assertTimezone(input.timezone);
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.lockLive(tx, tctx, input.id, 'update', input.if_match);
      if (input.owner_id !== undefined) await this.users.assertMayAssign(ctx, 'contacts', input.owner_id, current.owner_id);
      const changed = UPDATABLE.filter((k) => input[k] !== undefined);
      const emails = input.emails !== undefined ? normaliseEmails(input.emails) : current.emails;
      const nextPhones = phones ?? current.phones;
      const draft = {
        first_name: input.first_name !== undefined ? trimmed(input.first_name) : current.first_name,
        last_name: input.last_name !== undefined ? trimmed(input.last_name) : current.last_name,
        emails,
        phones: nextPhones,
        company_id: input.company_id !== undefined ? input.company_id : current.company_id,
        title: input.title !== undefined ? trimmed(input.title) : current.title,
        owner_id: input.owner_id ?? current.owner_id,
        lifecycle_stage: input.lifecycle_stage ?? current.lifecycle_stage,
        lead_score: input.lead_score ?? current.lead_score,
        tags: input.tags !== undefined ? [...new Set(input.tags.map((t) => t.trim()).filter(Boolean))] : current.tags,
        source: input.source !== undefined ? trimmed(input.source) : current.source,
        timezone: input.timezone !== undefined ? input.timezone : phones !== undefined && !current.timezone ? derivedTimezone(nextPhones) : current.timezone,
        custom_fields:
          input.custom_fields !== undefined
            ? validateCustomFields('contact', await this.customFields.definitionsFor(tx, tctx.tenantId, 'contact'), input.custom_fields, current.custom_fields)
            : current.custom_fields,
        notes: input.notes !== undefined ? input.notes : current.notes,
        last_contacted_at: input.last_contacted_at !== undefined ? input.last_contacted_at : current.last_contacted_at,
      };
      const write = await this.complete(tx, tctx.tenantId, draft);
      const channelsChanged = input.emails !== undefined || input.phones !== undefined;
      if (channelsChanged) await this.assertNoDuplicate(tx, tctx.tenantId, channelKeys(write.emails, write.phones), current.id);
      const contact = await this.contacts.update(tx, tctx.tenantId, current.id, write, channelsChanged);
      await this.outbox.append(tx, tctx, [
        outboxEvent(Events.crm.contactUpdated, { aggregateId: contact.id, version: contact.version, payload: { contact, changed } }),
      ]);
      return contact;
    });
  }

  /** Soft delete: the contact disappears from lists and reads, and can be restored for 30 days. */
  /** A company was deleted: its contacts are unlinked from it. */
  unlinkCompany(tx: Tx, tenantId: string, companyId: string): Promise<void> {
    return this.contacts.unlinkCompany(tx, tenantId, companyId);
  }

  async delete(ctx: RequestContext, input: DeleteContactCommand): Promise<void> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'contacts', 'delete');
    await this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.lockLive(tx, tctx, input.id, 'delete', input.if_match);
      const deleted = await this.contacts.softDelete(tx, tctx.tenantId, current.id);
      await this.outbox.append(tx, tctx, [
        outboxEvent(Events.crm.contactDeleted, { aggregateId: current.id, version: deleted.version, payload: { contact_id: current.id } }),
      ]);
    });
  }

  async restore(ctx: RequestContext, id: string): Promise<ContactView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'contacts', 'delete');
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.contacts.lock(tx, tctx.tenantId, id, true);
      if (!current) throw new NotFoundError('Deleted contact', id);
      assertMayTouch(ctx, 'contacts', 'delete', current.owner_id);
      const contact = await this.contacts.restore(tx, tctx.tenantId, id, RESTORE_WINDOW_DAYS);
      if (!contact) throw new NotFoundError('Deleted contact', id);
      await this.assertNoDuplicate(tx, tctx.tenantId, channelKeys(contact.emails, contact.phones), contact.id);
      await this.outbox.append(tx, tctx, [
        outboxEvent(Events.crm.contactRestored, { aggregateId: contact.id, version: contact.version, payload: { contact } }),
      ]);
      return contact;
    });
  }

  /**
   * Merges `other_id` into `id`: the survivor keeps its values and takes the other's where it has
   * none; emails, phones and tags are united; deals move over; the other is deleted. Other services
   * re-point their records on `evt.crm.contact.merged`.
   */
  async merge(ctx: RequestContext, input: MergeContactCommand): Promise<ContactView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'contacts', 'update');
    if (input.id === input.other_id) {
      throw new ValidationError('A contact cannot be merged into itself.', { fields: { other_id: ['must be another contact'] } });
    }
    return this.db.transaction(tctx.tenantId, async (tx) => {
      // Lock in id order so two opposite merges cannot deadlock.
      const [first, second] = [input.id, input.other_id].sort();
      const locked = new Map<string, ContactView | null>();
      locked.set(first, await this.contacts.lock(tx, tctx.tenantId, first));
      locked.set(second, await this.contacts.lock(tx, tctx.tenantId, second));
      const survivor = locked.get(input.id);
      const other = locked.get(input.other_id);
      if (!survivor) throw new NotFoundError('Contact', input.id);
      if (!other) throw new NotFoundError('Contact', input.other_id);
      assertMayTouch(ctx, 'contacts', 'update', survivor.owner_id);
      assertMayTouch(ctx, 'contacts', 'delete', other.owner_id);
      if (input.if_match !== undefined && input.if_match !== survivor.version) throw new PreconditionFailedError();

      const phones = [...survivor.phones];
      for (const p of other.phones) if (!phones.some((q) => q.number === p.number)) phones.push({ ...p, is_primary: false });
      const draft = {
        first_name: survivor.first_name ?? other.first_name,
        last_name: survivor.last_name ?? other.last_name,
        emails: [...new Set([...survivor.emails, ...other.emails])],
        phones,
        company_id: survivor.company_id ?? other.company_id,
        title: survivor.title ?? other.title,
        owner_id: survivor.owner_id ?? other.owner_id,
        lifecycle_stage: survivor.lifecycle_stage,
        lead_score: Math.max(survivor.lead_score, other.lead_score),
        tags: [...new Set([...survivor.tags, ...other.tags])],
        source: survivor.source ?? other.source,
        timezone: survivor.timezone ?? other.timezone,
        custom_fields: { ...other.custom_fields, ...survivor.custom_fields },
        notes: [survivor.notes, other.notes].filter(Boolean).join('\n\n').slice(0, 10_000) || null,
        last_contacted_at: [survivor.last_contacted_at, other.last_contacted_at].filter(Boolean).sort().pop() ?? null,
      };
      const removed = await this.contacts.softDelete(tx, tctx.tenantId, other.id, survivor.id);
      const write = await this.complete(tx, tctx.tenantId, draft);
      const contact = await this.contacts.update(tx, tctx.tenantId, survivor.id, write, true);
      const moved = await this.deals.relinkContacts(tx, tctx.tenantId, [other.id], survivor.id);
      await this.outbox.append(tx, tctx, [
        ...contactChangedEvents(moved),
        outboxEvent(Events.crm.contactMerged, {
          aggregateId: contact.id,
          version: contact.version,
          payload: { survivor_id: contact.id, merged_id: other.id, contact },
        }),
        outboxEvent(Events.crm.contactDeleted, { aggregateId: other.id, version: removed.version, payload: { contact_id: other.id } }),
      ]);
      return contact;
    });
  }

  async list(ctx: RequestContext, query: ListContactsQuery): Promise<ContactPage> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'contacts', 'read');
    const terms = query.q ? await this.resolveNames(tctx.tenantId, parseSearch(query.q)) : [];
    if (query.sort === 'relevance' && terms.length === 0) {
      throw new ValidationError('The request is not valid.', { fields: { sort: ['relevance needs a search (q)'] } });
    }
    // Best matches first: score descending (a higher word similarity to the query).
    const sort = query.sort === 'relevance' || (!query.sort && terms.length) ? { key: 'relevance', descending: true, raw: 'relevance' } : parseSort(query.sort ?? '-created_at');
    const after = decodeCursor(query.cursor, sort.raw, contactCursorKind(sort.key));
    const afterRelevance = sort.key === 'relevance' && after ? relevanceKey(after.v, after.id) : null;
    if (sort.key === 'relevance' && after && !afterRelevance) throw invalidCursor();
    const limit = pageLimit(query.limit);
    const customFields = query.custom_field?.length ? await this.customFieldFilters(tctx, query.custom_field) : [];
    const rows = await this.contacts.list(tctx.tenantId, {
      terms,
      ownerId: query.owner_id,
      companyId: query.company_id,
      tag: query.tag,
      lifecycleStage: query.lifecycle_stage,
      updatedSince: query.updated_since,
      customFields,
      deleted: query.deleted === true,
      sort,
      after,
      afterRelevance,
      take: limit + 1,
    });
    return toPage(rows, limit, sort.raw);
  }

  /**
   * Fills each query word with the tenant's names one typo away from it, the names that start with
   * it and the companies whose name starts with it (one lookup for all words).
   */
  private async resolveNames(tenantId: string, terms: SearchTerm[]): Promise<SearchTerm[]> {
    const words = terms.filter((t) => t.kind === 'word');
    if (words.length === 0) return terms;
    const rows = await this.contacts.namesForSearch(tenantId, [...new Set(words.flatMap((w) => w.variants))], [...new Set(words.map((w) => w.text))]);
    const byVariant = new Map<string, string[]>();
    const byPrefix = new Map<string, { names: string[]; scanned: number }>();
    const companies = new Map<string, string[]>();
    for (const r of rows) {
      if (r.kind === 'v') byVariant.set(r.key, r.names);
      else if (r.kind === 'p') byPrefix.set(r.key, r);
      else companies.set(r.key, r.names);
    }
    return terms.map((t) => {
      if (t.kind !== 'word') return t;
      const prefix = byPrefix.get(t.text) ?? { names: [], scanned: 0 };
      const broad = prefix.scanned >= PREFIX_SCAN_LIMIT || prefix.names.length > MAX_PREFIX_NAMES;
      return {
        ...t,
        names: [...new Set([t.text, ...t.variants.flatMap((v) => byVariant.get(v) ?? [])])],
        prefixNames: broad ? undefined : prefix.names,
        broad,
        companyIds: companies.get(t.text) ?? [],
      };
    });
  }

  private async customFieldFilters(ctx: TenantContext, filters: string[]): Promise<Array<Record<string, unknown>>> {
    const definitions = await this.db.transaction(ctx.tenantId, (tx) => this.customFields.definitionsFor(tx, ctx.tenantId, 'contact'));
    return filters.map((f) => {
      const at = f.indexOf(':');
      const key = f.slice(0, at);
      const def = definitions.find((d) => d.key === key);
      if (!def) throw new ValidationError('The request is not valid.', { fields: { custom_field: [`${key} is not a custom field of contacts`] } });
      return customFieldFilter(def, f.slice(at + 1));
    });
  }

  /** Locks a live contact and checks the caller may change it and still has its latest version. */
  private async lockLive(tx: Tx, ctx: TenantContext, id: string, action: 'update' | 'delete', ifMatch: number | undefined): Promise<ContactView> {
    const current = await this.contacts.lock(tx, ctx.tenantId, id);
    if (!current) throw new NotFoundError('Contact', id);
    assertMayTouch(ctx, 'contacts', action, current.owner_id);
    if (ifMatch !== undefined && ifMatch !== current.version) {
      throw new PreconditionFailedError('The contact changed since you read it.', { current_version: current.version });
    }
    return current;
  }

  private async assertNoDuplicate(tx: Tx, tenantId: string, channels: string[], excludeId: string | null): Promise<void> {
    await this.contacts.lockChannels(tx, tenantId, channels);
    const hit = await this.contacts.findDuplicate(tx, tenantId, channels, excludeId);
    if (hit) {
      throw new ConflictError(
        'A contact with this email or phone already exists.',
        { existing_id: hit.contact_id, field: hit.value.startsWith('e:') ? 'emails' : 'phones', value: hit.value.slice(2) },
        'duplicate',
      );
    }
  }

  /** Adds what is derived from the fields: company check, search keys and channels. */
  private async complete(tx: Tx, tenantId: string, draft: ContactDraft): Promise<ContactWrite> {
    if (draft.company_id && (await this.companies.findName(tx, tenantId, draft.company_id)) === null) {
      throw new ValidationError('The request is not valid.', { fields: { company_id: ['no such company'] } });
    }
    const derived = deriveSearchColumns({ firstName: draft.first_name, lastName: draft.last_name });
    const digits = draft.phones.map((p) => normalisePhone(p.number)?.nationalDigits ?? '');
    return {
      ...draft,
      name_sort: derived.nameSort,
      first_key: derived.firstKey,
      last_key: derived.lastKey,
      vocabulary: derived.vocabulary,
      channels: [...channelKeys(draft.emails, draft.phones), ...reversedPhoneKeys(digits)],
    };
  }
}
