import { Injectable } from '@nestjs/common';
import {
  type CreateDealRequest,
  Events,
  type DealPage,
  type DealStageHistory,
  type DealView,
  type DeleteDealCommand,
  type ListDealsQuery,
  type PipelineView,
  type UpdateDealCommand,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TenantDatabase, timeOrderedId } from '@engage/database';
import { NotFoundError, PreconditionFailedError, ValidationError } from '@engage/errors';
import { type NewEvent, OutboxWriter, outboxEvent } from '@engage/messaging';
import { CompaniesRepository } from '../companies/companies.repository';
import { foldText } from '../contacts/contact-search';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { validateCustomFields } from '../custom-fields/custom-field-values';
import { PipelinesService } from '../pipelines/pipelines.service';
import { assertGranted, assertMayTouch, requireTenant } from '@engage/access';
import { UserDirectory } from '@engage/access';
import { decodeCursor, pageLimit, parseSort, toPage } from '@engage/database';
import type { Tx } from '@engage/database';
import { type DealWrite, DealsRepository, dealCursorKind } from './deals.repository';

const invalid = (field: string, message: string) => new ValidationError('The request is not valid.', { fields: { [field]: [message] } });

@Injectable()
export class DealsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly deals: DealsRepository,
    private readonly companies: CompaniesRepository,
    private readonly pipelines: PipelinesService,
    private readonly customFields: CustomFieldsService,
    private readonly outbox: OutboxWriter,
    private readonly users: UserDirectory,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<DealView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'deals', 'read');
    const deal = await this.deals.findById(tctx.tenantId, id);
    if (!deal) throw new NotFoundError('Deal', id);
    return deal;
  }

  async create(ctx: RequestContext, input: CreateDealRequest): Promise<DealView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'deals', 'create');
    if (input.owner_id) await this.users.assertMayAssign(ctx, 'deals', input.owner_id, null);
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const pipeline = await this.pipelineFor(tx, tctx.tenantId, input.pipeline_id);
      const stage = this.stageOf(pipeline, input.stage);
      const write: DealWrite = {
        name: input.name.trim(),
        name_sort: foldText(input.name.trim()).slice(0, 400),
        amount: input.amount ?? null,
        currency: input.currency ?? 'USD',
        pipeline_id: pipeline.id,
        stage: stage.key,
        probability: input.probability ?? stage.probability,
        expected_close_date: input.expected_close_date ?? null,
        owner_id: input.owner_id ?? ctx.userId,
        contact_id: input.contact_id ?? null,
        company_id: input.company_id ?? null,
        custom_fields: validateCustomFields('deal', await this.customFields.definitionsFor(tx, tctx.tenantId, 'deal'), input.custom_fields, null),
      };
      await this.assertLinks(tx, tctx.tenantId, write);
      const deal = await this.deals.insert(tx, tctx.tenantId, timeOrderedId(), write);
      const change = await this.deals.recordStageChange(tx, tctx.tenantId, {
        id: timeOrderedId(),
        dealId: deal.id,
        pipelineId: deal.pipeline_id,
        from: null,
        to: deal.stage,
        by: ctx.userId,
      });
      const at = { aggregateId: deal.id, version: deal.version };
      await this.outbox.append(tx, tctx, [
        outboxEvent(Events.crm.dealCreated, { ...at, payload: { deal } }),
        outboxEvent(Events.crm.dealStageChanged, { ...at, payload: { ...change, deal } }),
      ]);
      return deal;
    });
  }

  async update(ctx: RequestContext, input: UpdateDealCommand): Promise<DealView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'deals', 'update');
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.deals.lock(tx, tctx.tenantId, input.id);
      if (!current) throw new NotFoundError('Deal', input.id);
      assertMayTouch(ctx, 'deals', 'update', current.owner_id);
      if (input.if_match !== undefined && input.if_match !== current.version) {
        throw new PreconditionFailedError('The deal changed since you read it.', { current_version: current.version });
      }
      if (input.owner_id !== undefined) await this.users.assertMayAssign(ctx, 'deals', input.owner_id, current.owner_id);
      const pipelineChanged = input.pipeline_id !== undefined && input.pipeline_id !== current.pipeline_id;
      const pipeline = await this.pipelineFor(tx, tctx.tenantId, input.pipeline_id ?? current.pipeline_id);
      const stage = this.stageOf(pipeline, input.stage ?? (pipelineChanged ? undefined : current.stage));
      const stageChanged = stage.key !== current.stage || pipelineChanged;
      const name = input.name?.trim() ?? current.name;
      const write: DealWrite = {
        name,
        name_sort: foldText(name).slice(0, 400),
        amount: input.amount !== undefined ? input.amount : current.amount,
        currency: input.currency ?? current.currency,
        pipeline_id: pipeline.id,
        stage: stage.key,
        probability: input.probability ?? (stageChanged ? stage.probability : current.probability),
        expected_close_date: input.expected_close_date !== undefined ? input.expected_close_date : current.expected_close_date,
        owner_id: input.owner_id ?? current.owner_id,
        contact_id: input.contact_id !== undefined ? input.contact_id : current.contact_id,
        company_id: input.company_id !== undefined ? input.company_id : current.company_id,
        custom_fields:
          input.custom_fields !== undefined
            ? validateCustomFields('deal', await this.customFields.definitionsFor(tx, tctx.tenantId, 'deal'), input.custom_fields, current.custom_fields)
            : current.custom_fields,
      };
      await this.assertLinks(tx, tctx.tenantId, {
        contact_id: write.contact_id !== current.contact_id ? write.contact_id : null,
        company_id: write.company_id !== current.company_id ? write.company_id : null,
      });
      const deal = await this.deals.update(tx, tctx.tenantId, current.id, write);
      const changed = Object.keys(input).filter((k) => k !== 'id' && k !== 'if_match');
      const at = { aggregateId: deal.id, version: deal.version };
      const events: NewEvent[] = [outboxEvent(Events.crm.dealUpdated, { ...at, payload: { deal, changed } })];
      if (stageChanged) {
        const change = await this.deals.recordStageChange(tx, tctx.tenantId, {
          id: timeOrderedId(),
          dealId: deal.id,
          pipelineId: deal.pipeline_id,
          from: current.stage,
          to: deal.stage,
          by: ctx.userId,
        });
        events.push(outboxEvent(Events.crm.dealStageChanged, { ...at, payload: { ...change, deal } }));
      }
      await this.outbox.append(tx, tctx, events);
      return deal;
    });
  }

  async delete(ctx: RequestContext, input: DeleteDealCommand): Promise<void> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'deals', 'delete');
    await this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.deals.lock(tx, tctx.tenantId, input.id);
      if (!current) throw new NotFoundError('Deal', input.id);
      assertMayTouch(ctx, 'deals', 'delete', current.owner_id);
      if (input.if_match !== undefined && input.if_match !== current.version) throw new PreconditionFailedError();
      const version = await this.deals.softDelete(tx, tctx.tenantId, current.id);
      await this.outbox.append(tx, tctx, [
        outboxEvent(Events.crm.dealDeleted, { aggregateId: current.id, version, payload: { deal_id: current.id } }),
      ]);
    });
  }

  async list(ctx: RequestContext, query: ListDealsQuery): Promise<DealPage> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'deals', 'read');
    const sort = parseSort(query.sort ?? '-created_at');
    const after = decodeCursor(query.cursor, sort.raw, dealCursorKind(sort.key));
    const limit = pageLimit(query.limit);
    const rows = await this.deals.list(tctx.tenantId, {
      pipelineId: query.pipeline_id,
      stage: query.stage,
      ownerId: query.owner_id,
      contactId: query.contact_id,
      companyId: query.company_id,
      sort,
      after,
      take: limit + 1,
    });
    return toPage(rows, limit, sort.raw);
  }

  async stageHistory(ctx: RequestContext, id: string): Promise<DealStageHistory> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'deals', 'read');
    const data = await this.deals.stageHistory(tctx.tenantId, id);
    if (!data) throw new NotFoundError('Deal', id);
    return { data };
  }

  private async pipelineFor(tx: Tx, tenantId: string, pipelineId: string | undefined): Promise<PipelineView> {
    if (!pipelineId) return this.pipelines.ensureDefault(tx, tenantId);
    const pipeline = await this.pipelines.findForDeal(tx, tenantId, pipelineId);
    if (!pipeline) throw invalid('pipeline_id', 'no such pipeline');
    return pipeline;
  }

  private stageOf(pipeline: PipelineView, key: string | undefined) {
    if (key === undefined) return pipeline.stages[0];
    const stage = pipeline.stages.find((s) => s.key === key);
    if (!stage) throw invalid('stage', `must be a stage of the pipeline: ${pipeline.stages.map((s) => s.key).join(', ')}`);
    return stage;
  }

  private async assertLinks(tx: Tx, tenantId: string, links: { contact_id: string | null; company_id: string | null }) {
    if (links.contact_id && !(await this.deals.contactExists(tx, tenantId, links.contact_id))) throw invalid('contact_id', 'no such contact');
    if (links.company_id && (await this.companies.findName(tx, tenantId, links.company_id)) === null) throw invalid('company_id', 'no such company');
  }

}
