import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type CreatePipelineRequest,
  DEFAULT_PIPELINE,
  type EventSubject,
  Events,
  type PipelineEvent,
  type PipelineList,
  type PipelineStageInput,
  type PipelineStageView,
  type PipelineView,
  type UpdatePipelineCommand,
} from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '@engage/errors';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { assertGranted, requireTenant } from '@engage/access';
import type { Tx } from '@engage/database';
import { PipelinesRepository } from './pipelines.repository';

/** Stages ordered, with distinct keys and orders; otherwise a 400 naming the problem. */
export function orderedStages(stages: PipelineStageInput[]): PipelineStageView[] {
  const keys = new Set(stages.map((s) => s.key));
  const orders = new Set(stages.map((s) => s.order));
  if (keys.size !== stages.length) throw new ValidationError('The request is not valid.', { fields: { stages: ['stage keys must be distinct'] } });
  if (orders.size !== stages.length) throw new ValidationError('The request is not valid.', { fields: { stages: ['stage orders must be distinct'] } });
  return [...stages]
    .sort((a, b) => a.order - b.order)
    .map((s) => ({ key: s.key, name: s.name.trim(), order: s.order, probability: s.probability }));
}

@Injectable()
export class PipelinesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly pipelines: PipelinesRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The tenant's pipelines, default first; the default one is created on first use. */
  async list(ctx: RequestContext): Promise<PipelineList> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'pipelines', 'read');
    let data = await this.pipelines.list(tctx.tenantId);
    if (!data.some((p) => p.is_default)) {
      await this.db.transaction(tctx.tenantId, (tx) => this.ensureDefault(tx, tctx.tenantId));
      data = await this.pipelines.list(tctx.tenantId);
    }
    return { data };
  }

  async create(ctx: RequestContext, input: CreatePipelineRequest): Promise<PipelineView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'pipelines', 'create');
    const stages = orderedStages(input.stages);
    return this.db.transaction(tctx.tenantId, async (tx) => {
      await this.ensureDefault(tx, tctx.tenantId);
      const pipeline = await this.pipelines.insert(tx, tctx.tenantId, randomUUID(), input.name.trim(), stages);
      await this.publish(tx, tctx, Events.crm.pipelineCreated, pipeline);
      return pipeline;
    });
  }

  /** Renames and/or replaces the stages; a stage that live deals are in cannot be removed (409). */
  async update(ctx: RequestContext, input: UpdatePipelineCommand): Promise<PipelineView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'pipelines', 'update');
    const stages = input.stages ? orderedStages(input.stages) : undefined;
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.pipelines.find(tx, tctx.tenantId, input.id, 'update');
      if (!current) throw new NotFoundError('Pipeline', input.id);
      if (input.if_match !== undefined && input.if_match !== current.version) throw new PreconditionFailedError();
      if (stages) {
        const removed = current.stages.map((s) => s.key).filter((key) => !stages.some((s) => s.key === key));
        const inUse = await this.pipelines.stagesInUse(tx, tctx.tenantId, current.id, removed);
        if (inUse.length > 0) throw new ConflictError('Deals are still in stages this change removes.', { stages: inUse }, 'stage_in_use');
      }
      const pipeline = await this.pipelines.update(tx, tctx.tenantId, current.id, input.name?.trim() ?? current.name, stages ?? current.stages);
      await this.publish(tx, tctx, Events.crm.pipelineUpdated, pipeline);
      return pipeline;
    });
  }

  /** SPEC section 5's default pipeline, created once per tenant (on tenant creation or first use). */
  ensureDefault(tx: Tx, tenantId: string): Promise<PipelineView> {
    return this.pipelines.ensureDefault(tx, tenantId, randomUUID(), DEFAULT_PIPELINE.name, DEFAULT_PIPELINE.stages);
  }

  /** A pipeline a deal is entering: share-locked until the transaction ends, so its stages cannot be removed meanwhile. */
  findForDeal(tx: Tx, tenantId: string, id: string): Promise<PipelineView | null> {
    return this.pipelines.find(tx, tenantId, id, 'share');
  }

  private async publish(tx: Tx, ctx: TenantContext, event: EventSubject<PipelineEvent>, pipeline: PipelineView) {
    await this.outbox.append(tx, ctx, [outboxEvent(event, { aggregateId: pipeline.id, version: pipeline.version, payload: { pipeline } })]);
  }
}
