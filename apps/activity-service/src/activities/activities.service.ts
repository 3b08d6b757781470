import { Injectable } from '@nestjs/common';
import {
  type ActivityPage,
  type ActivityView,
  type CreateActivityRequest,
  type DeleteActivityCommand,
  Events,
  type ListActivitiesQuery,
  MAX_MENTIONS,
  ManualActivityTypes,
  type UpdateActivityCommand,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertAllowed, assertGranted, assertMayTouch, requireTenant, type SignedInContext, UserDirectory } from '@engage/access';
import { decodeCursor, pageLimit, TenantDatabase, timeOrderedId, toPage, type Tx } from '@engage/database';
import { BusinessRuleError, NotFoundError, PreconditionFailedError, ValidationError } from '@engage/errors';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { ActivitiesRepository } from './activities.repository';
import { activityCreated, mentionsCreated } from './activity-events';
import { CrmRecords, type LinkField } from './crm-records';
import { mentionedUserIds } from './mentions';

/** The timeline's only order: newest first (the cursor is made for it). */
const TIMELINE_SORT = '-occurred_at';

const LINK_FIELDS: readonly LinkField[] = ['contact_id', 'deal_id', 'company_id'];
const TASK_FIELDS = ['due_at', 'assignee_id', 'done'] as const;

type FieldProblems = Record<string, string[]>;

const problem = (problems: FieldProblems, field: string, message: string) => {
  (problems[field] ??= []).push(message);
};

const refuseIfAny = (problems: FieldProblems) => {
  if (Object.keys(problems).length > 0) throw new ValidationError('The request is not valid.', { fields: problems });
};

const isManual = (type: string) => (ManualActivityTypes as readonly string[]).includes(type);

const mentionsOf = (activity: ActivityView): string[] => {
  const mentions = activity.payload?.mentions;
  return Array.isArray(mentions) ? mentions.filter((m): m is string => typeof m === 'string') : [];
};

/** The editable fields a request sets, for `evt.activity.updated`. */
const setFields = (input: UpdateActivityCommand): string[] =>
  Object.entries(input)
    .filter(([key, value]) => key !== 'id' && key !== 'if_match' && value !== undefined)
    .map(([key]) => key);

/**
 * Notes, meetings and tasks people write, and every activity's reading. Ownership follows the CRM:
 * reps change what they wrote (and tasks assigned to them), managers and admins anything. A
 * contact, deal or company named on an activity must exist in the caller's tenant (asked of
 * crm-service); an assignee or a mentioned colleague must be an active user of it (asked of
 * user-service). Calls, texts and stage changes are records of what happened elsewhere and are
 * read-only here.
 */
@Injectable()
export class ActivitiesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly activities: ActivitiesRepository,
    private readonly records: CrmRecords,
    private readonly users: UserDirectory,
    private readonly outbox: OutboxWriter,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<ActivityView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'activities', 'read');
    const activity = await this.activities.findById(tctx.tenantId, id);
    if (!activity) throw new NotFoundError('Activity', id);
    return activity;
  }

  async list(ctx: RequestContext, query: ListActivitiesQuery): Promise<ActivityPage> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'activities', 'read');
    const after = decodeCursor(query.cursor, TIMELINE_SORT, 'timestamp');
    const limit = pageLimit(query.limit);
    const rows = await this.activities.list(tctx.tenantId, {
      contactId: query.contact_id,
      dealId: query.deal_id,
      companyId: query.company_id,
      type: query.type,
      after,
      take: limit + 1,
    });
    return toPage(rows, limit, TIMELINE_SORT);
  }

  async create(ctx: RequestContext, input: CreateActivityRequest): Promise<ActivityView> {
    assertAllowed(ctx, 'activities', 'create');
    const isTask = input.type === 'task';
    const problems: FieldProblems = {};
    if (input.occurred_at === null) problem(problems, 'occurred_at', 'occurred_at cannot be null; leave it out for now');
    if (isTask && input.done === null) problem(problems, 'done', 'done must be true or false');
    if (!isTask) this.refuseTaskFields(problems, input);
    const mentionIds = this.mentionIdsOf(problems, input.body);
    refuseIfAny(problems);

    const links = LINK_FIELDS.flatMap((field) => (input[field] ? [{ field, id: input[field] }] : []));
    const [mentions] = await Promise.all([
      this.activeUsers(ctx, mentionIds),
      this.checkReferences(ctx, links, isTask && input.assignee_id ? input.assignee_id : null),
    ]);

    return this.db.transaction(ctx.tenantId, async (tx) => {
      const activity = await this.activities.insert(tx, ctx.tenantId, timeOrderedId(), {
        type: input.type,
        contact_id: input.contact_id ?? null,
        deal_id: input.deal_id ?? null,
        company_id: input.company_id ?? null,
        actor_id: ctx.userId,
        subject: input.subject?.trim() || null,
        body: input.body,
        payload: { mentions },
        occurred_at: input.occurred_at ?? new Date().toISOString(),
        source_event_id: null,
        due_at: isTask ? (input.due_at ?? null) : null,
        assignee_id: isTask ? (input.assignee_id ?? null) : null,
        done: isTask ? (input.done ?? false) : null,
      });
      // Nothing written: the contact was erased between crm-service's answer and now.
      if (!activity) throw new ValidationError('The request is not valid.', { fields: { contact_id: ['no such contact'] } });
      await this.outbox.append(tx, ctx, [activityCreated(activity), ...mentionsCreated(activity, mentions.filter((id) => id !== ctx.userId))]);
      return activity;
    });
  }

  async update(ctx: RequestContext, input: UpdateActivityCommand): Promise<ActivityView> {
    assertAllowed(ctx, 'activities', 'update');
    const seen = await this.activities.findById(ctx.tenantId, input.id);
    if (!seen) throw new NotFoundError('Activity', input.id);
    this.assertMayChange(ctx, seen, 'update');
    if (input.if_match !== undefined && input.if_match !== seen.version) throw this.changedSince(seen);

    const isTask = seen.type === 'task';
    const problems: FieldProblems = {};
    if (input.body === null) problem(problems, 'body', 'body must not be empty');
    if (input.occurred_at === null) problem(problems, 'occurred_at', 'occurred_at cannot be null');
    if (isTask && input.done === null) problem(problems, 'done', 'done must be true or false');
    if (!isTask) this.refuseTaskFields(problems, input);
    const mentionIds = typeof input.body === 'string' ? this.mentionIdsOf(problems, input.body) : null;
    refuseIfAny(problems);

    const links = LINK_FIELDS.flatMap((field) => {
      const id = input[field];
      return id && id !== seen[field] ? [{ field, id }] : [];
    });
    const newAssignee = isTask && input.assignee_id && input.assignee_id !== seen.assignee_id ? input.assignee_id : null;
    const [mentions] = await Promise.all([mentionIds ? this.activeUsers(ctx, mentionIds) : Promise.resolve(null), this.checkReferences(ctx, links, newAssignee)]);

    return this.db.transaction(ctx.tenantId, async (tx) => {
      const current = await this.activities.lock(tx, ctx.tenantId, input.id);
      if (!current) throw new NotFoundError('Activity', input.id);
      this.assertMayChange(ctx, current, 'update');
      if (input.if_match !== undefined && input.if_match !== current.version) throw this.changedSince(current);
      const contactId = input.contact_id !== undefined && input.contact_id !== current.contact_id ? await this.placeOnContact(tx, ctx.tenantId, input.contact_id) : current.contact_id;
      const activity = await this.activities.update(tx, ctx.tenantId, current.id, {
        contact_id: contactId,
        deal_id: input.deal_id !== undefined ? input.deal_id : current.deal_id,
        company_id: input.company_id !== undefined ? input.company_id : current.company_id,
        subject: input.subject !== undefined ? input.subject?.trim() || null : current.subject,
        body: input.body ?? current.body,
        payload: mentions ? { ...current.payload, mentions } : current.payload,
        occurred_at: input.occurred_at ?? current.occurred_at,
        due_at: input.due_at !== undefined ? input.due_at : current.due_at,
        assignee_id: input.assignee_id !== undefined ? input.assignee_id : current.assignee_id,
        done: input.done ?? current.done,
      });
      const before = new Set(mentionsOf(current));
      const newlyMentioned = (mentions ?? []).filter((id) => !before.has(id) && id !== ctx.userId);
      await this.outbox.append(tx, ctx, [
        outboxEvent(Events.activity.activityUpdated, { aggregateId: activity.id, version: activity.version, payload: { activity, changed: setFields(input) } }),
        ...mentionsCreated(activity, newlyMentioned),
      ]);
      return activity;
    });
  }

  async delete(ctx: RequestContext, input: DeleteActivityCommand): Promise<void> {
    assertAllowed(ctx, 'activities', 'delete');
    await this.db.transaction(ctx.tenantId, async (tx) => {
      const current = await this.activities.lock(tx, ctx.tenantId, input.id);
      if (!current) throw new NotFoundError('Activity', input.id);
      this.assertMayChange(ctx, current, 'delete');
      if (input.if_match !== undefined && input.if_match !== current.version) throw this.changedSince(current);
      await this.activities.delete(tx, ctx.tenantId, current.id);
      await this.outbox.append(tx, ctx, [
        outboxEvent(Events.activity.activityDeleted, {
          aggregateId: current.id,
          version: current.version + 1,
          payload: { activity_id: current.id, type: current.type, contact_id: current.contact_id, deal_id: current.deal_id, company_id: current.company_id },
        }),
      ]);
    });
  }

  /**
   * Only notes, meetings and tasks change, and only by their author (or, for an edit, a task's
   * assignee) unless the role may change every activity.
   */
  private assertMayChange(ctx: SignedInContext, activity: ActivityView, action: 'update' | 'delete'): void {
    if (!isManual(activity.type)) {
      throw new BusinessRuleError('activity_read_only', 'Calls, texts, emails and stage changes are records of what happened; only notes, meetings and tasks can be changed.', {
        type: activity.type,
      });
    }
    const owner = action === 'update' && activity.assignee_id === ctx.userId ? ctx.userId : activity.actor_id;
    assertMayTouch(ctx, 'activities', action, owner);
  }

  private changedSince(current: ActivityView): PreconditionFailedError {
    return new PreconditionFailedError('The activity changed since you read it.', { current_version: current.version });
  }

  private refuseTaskFields(problems: FieldProblems, input: { due_at?: string | null; assignee_id?: string | null; done?: boolean }): void {
    for (const field of TASK_FIELDS) {
      const value = input[field];
      if (value !== undefined && value !== null) problem(problems, field, `only tasks have ${field}`);
    }
  }

  private mentionIdsOf(problems: FieldProblems, body: string): string[] {
    const ids = mentionedUserIds(body);
    if (ids.length > MAX_MENTIONS) problem(problems, 'body', `at most ${MAX_MENTIONS} people can be mentioned in one activity`);
    return ids;
  }

  /** The mentioned ids that are active users of the caller's tenant (the others stay plain text). */
  private async activeUsers(ctx: SignedInContext, ids: readonly string[]): Promise<string[]> {
    const standings = await Promise.all(ids.map((id) => (id === ctx.userId ? Promise.resolve('active') : this.users.standingOf(ctx, id))));
    return ids.filter((_, i) => standings[i] === 'active');
  }

  /**
   * Every named record must exist in the caller's tenant and the assignee must be an active user of
   * it; all lookups run at once and every failing field is reported together (400).
   */
  private async checkReferences(ctx: SignedInContext, links: Array<{ field: LinkField; id: string }>, assigneeId: string | null): Promise<void> {
    const problems: FieldProblems = {};
    await Promise.all([
      ...links.map(async ({ field, id }) => {
        if (!(await this.records.exists(ctx, field, id))) problem(problems, field, `no such ${field.replace('_id', '')}`);
      }),
      (async () => {
        if (!assigneeId || assigneeId === ctx.userId) return;
        const standing = await this.users.standingOf(ctx, assigneeId);
        if (standing === 'unknown') problem(problems, 'assignee_id', 'no user of this tenant has this id');
        if (standing === 'deactivated') problem(problems, 'assignee_id', 'this user is deactivated');
      })(),
    ]);
    refuseIfAny(problems);
  }

  /** The contact an edited activity goes on: the survivor of a merge; an erased contact is refused. */
  private async placeOnContact(tx: Tx, tenantId: string, contactId: string | null): Promise<string | null> {
    if (contactId === null) return null;
    await this.activities.holdContacts(tx, tenantId, 'shared');
    const fate = await this.activities.contactFate(tx, tenantId, contactId);
    if (fate.kind === 'erased') throw new ValidationError('The request is not valid.', { fields: { contact_id: ['no such contact'] } });
    return fate.kind === 'merged' ? fate.survivorId : contactId;
  }
}
