import { Injectable } from '@nestjs/common';
import {
  type CompanyPage,
  type CompanyView,
  type CreateCompanyRequest,
  Events,
  type DeleteCompanyCommand,
  type ListCompaniesQuery,
  type UpdateCompanyCommand,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TenantDatabase, timeOrderedId } from '@engage/database';
import { ConflictError, NotFoundError, PreconditionFailedError } from '@engage/errors';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { ContactsService } from '../contacts/contacts.service';
import { foldText, wordsOf } from '../contacts/contact-search';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { validateCustomFields } from '../custom-fields/custom-field-values';
import { assertGranted, assertMayTouch, requireTenant } from '@engage/access';
import { decodeCursor, pageLimit, parseSort, toPage } from '@engage/database';
import type { Tx } from '@engage/database';
import { type CompanyWrite, CompaniesRepository, companyCursorKind } from './companies.repository';

const blankToNull = (s: string | null | undefined) => (s == null ? null : s.trim() || null);

@Injectable()
export class CompaniesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly companies: CompaniesRepository,
    private readonly contacts: ContactsService,
    private readonly customFields: CustomFieldsService,
    private readonly outbox: OutboxWriter,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<CompanyView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'companies', 'read');
    const company = await this.companies.findById(tctx.tenantId, id);
    if (!company) throw new NotFoundError('Company', id);
    return company;
  }

  async create(ctx: RequestContext, input: CreateCompanyRequest): Promise<CompanyView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'companies', 'create');
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const write = this.complete({
        name: input.name.trim(),
        domain: input.domain ? input.domain.toLowerCase() : null,
        industry: blankToNull(input.industry),
        size: input.size ?? null,
        owner_id: ctx.userId,
        custom_fields: validateCustomFields('company', await this.customFields.definitionsFor(tx, tctx.tenantId, 'company'), input.custom_fields, null),
      });
      await this.assertDomainFree(tx, tctx.tenantId, write.domain, null);
      const company = await this.companies.insert(tx, tctx.tenantId, timeOrderedId(), write);
      await this.outbox.append(tx, tctx, [
        outboxEvent(Events.crm.companyCreated, { aggregateId: company.id, version: company.version, payload: { company } }),
      ]);
      return company;
    });
  }

  async update(ctx: RequestContext, input: UpdateCompanyCommand): Promise<CompanyView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'companies', 'update');
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.companies.lock(tx, tctx.tenantId, input.id);
      if (!current) throw new NotFoundError('Company', input.id);
      assertMayTouch(ctx, 'companies', 'update', current.owner_id);
      if (input.if_match !== undefined && input.if_match !== current.version) {
        throw new PreconditionFailedError('The company changed since you read it.', { current_version: current.version });
      }
      const write = this.complete({
        name: input.name !== undefined ? input.name.trim() : current.name,
        domain: input.domain !== undefined ? (input.domain ? input.domain.toLowerCase() : null) : current.domain,
        industry: input.industry !== undefined ? blankToNull(input.industry) : current.industry,
        size: input.size !== undefined ? input.size : current.size,
        owner_id: current.owner_id,
        custom_fields:
          input.custom_fields !== undefined
            ? validateCustomFields('company', await this.customFields.definitionsFor(tx, tctx.tenantId, 'company'), input.custom_fields, current.custom_fields)
            : current.custom_fields,
      });
      if (write.domain !== current.domain) await this.assertDomainFree(tx, tctx.tenantId, write.domain, current.id);
      const company = await this.companies.update(tx, tctx.tenantId, current.id, write);
      const changed = Object.keys(input).filter((k) => k !== 'id' && k !== 'if_match');
      await this.outbox.append(tx, tctx, [
        outboxEvent(Events.crm.companyUpdated, { aggregateId: company.id, version: company.version, payload: { company, changed } }),
      ]);
      return company;
    });
  }

  /** Soft delete; contacts and deals of the company are unlinked from it. */
  async delete(ctx: RequestContext, input: DeleteCompanyCommand): Promise<void> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'companies', 'delete');
    await this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.companies.lock(tx, tctx.tenantId, input.id);
      if (!current) throw new NotFoundError('Company', input.id);
      assertMayTouch(ctx, 'companies', 'delete', current.owner_id);
      if (input.if_match !== undefined && input.if_match !== current.version) throw new PreconditionFailedError();
      await this.contacts.unlinkCompany(tx, tctx.tenantId, current.id);
      const version = await this.companies.softDelete(tx, tctx.tenantId, current.id);
      await this.outbox.append(tx, tctx, [
        outboxEvent(Events.crm.companyDeleted, { aggregateId: current.id, version, payload: { company_id: current.id } }),
      ]);
    });
  }

  async list(ctx: RequestContext, query: ListCompaniesQuery): Promise<CompanyPage> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'companies', 'read');
    const sort = parseSort(query.sort ?? 'name');
    const after = decodeCursor(query.cursor, sort.raw, companyCursorKind(sort.key));
    const limit = pageLimit(query.limit);
    const rows = await this.companies.list(tctx.tenantId, { words: query.q ? wordsOf(query.q).slice(0, 6) : [], sort, after, take: limit + 1 });
    return toPage(rows, limit, sort.raw);
  }

  private complete(fields: Omit<CompanyWrite, 'name_sort' | 'search_doc'>): CompanyWrite {
    return {
      ...fields,
      name_sort: foldText(fields.name).slice(0, 400),
      search_doc: [foldText(fields.name), fields.domain ?? ''].filter(Boolean).join(' '),
    };
  }

  private async assertDomainFree(tx: Tx, tenantId: string, domain: string | null, excludeId: string | null) {
    if (!domain) return;
    const existing = await this.companies.findIdByDomain(tx, tenantId, domain, excludeId);
    if (existing) throw new ConflictError('A company with this domain already exists.', { existing_id: existing, field: 'domain' }, 'duplicate');
  }
}
