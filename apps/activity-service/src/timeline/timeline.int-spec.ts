import { randomUUID } from 'node:crypto';
import {
  type ActivityView,
  type CallCompletedEvent,
  type ContactView,
  type DealStageChangedEvent,
  type DealView,
  Events,
  type SmsView,
} from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { type ActivityKit, envelopeOf, startActivityKit } from '../test-support/activity-test-kit';

/**
 * The timeline built from other services' events, through the real durable-consumer path: each
 * event is one activity whatever happens to its delivery, a merge moves a contact's timeline, an
 * erasure removes it, and late events follow both.
 */
describe('timeline from events', () => {
  let kit: ActivityKit;
  beforeAll(async () => {
    kit = await startActivityKit();
  });
  afterAll(() => kit.close());

  const call = (contactId: string, fields: Partial<CallCompletedEvent> = {}): CallCompletedEvent => ({
    call_id: randomUUID(),
    contact_id: contactId,
    owner_id: randomUUID(),
    to: '+14155550100',
    outcome: 'completed',
    duration_s: 42,
    disposition: null,
    has_recording: false,
    ended_at: '2026-03-01T10:00:00.000Z',
    ...fields,
  });

  const sms = (contactId: string | null, direction: 'outbound' | 'inbound', fields: Partial<SmsView> = {}): SmsView => ({
    id: randomUUID(),
    direction,
    status: direction === 'inbound' ? 'received' : 'queued',
    contact_id: contactId,
    owner_id: direction === 'inbound' ? null : randomUUID(),
    to: '+14155550100',
    from: '+15005550006',
    body: 'Are you free tomorrow?',
    error_code: null,
    created_at: '2026-03-01T11:00:00.000Z',
    updated_at: '2026-03-01T11:00:00.000Z',
    version: 1,
    ...fields,
  });

  const stageChange = (deal: Partial<DealView> & { id: string }, from: string | null, to: string, at = '2026-03-01T12:00:00.000Z'): DealStageChangedEvent => ({
    deal_id: deal.id,
    pipeline_id: randomUUID(),
    from_stage: from,
    to_stage: to,
    changed_by: randomUUID(),
    changed_at: at,
    deal: {
      name: 'Acme renewal',
      amount: '1200.00',
      currency: 'USD',
      pipeline_id: randomUUID(),
      stage: to,
      probability: 20,
      expected_close_date: null,
      owner_id: null,
      contact_id: null,
      company_id: null,
      custom_fields: {},
      created_at: at,
      updated_at: at,
      version: 1,
      ...deal,
    },
  });

  const onCall = (ctx: TenantContext, payload: CallCompletedEvent, fields = {}) =>
    kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onCallCompleted, envelopeOf(Events.telephony.callCompleted, ctx.tenantId, payload, fields));
  const merge = (ctx: TenantContext, mergedId: string, survivorId: string) =>
    kit.deliver(
      kit.crmTimeline,
      kit.crmTimeline.onContactMerged,
      envelopeOf(Events.crm.contactMerged, ctx.tenantId, { merged_id: mergedId, survivor_id: survivorId, contact: { id: survivorId } as ContactView }, { aggregate_id: survivorId }),
    );
  const purge = (ctx: TenantContext, contactIds: string[]) =>
    kit.deliver(kit.crmTimeline, kit.crmTimeline.onContactsPurged, envelopeOf(Events.crm.contactsPurged, ctx.tenantId, { contact_ids: contactIds, unlinked_deal_ids: [] }));

  const timelineOf = async (ctx: TenantContext, filter: { contact_id?: string; deal_id?: string; company_id?: string } = {}): Promise<ActivityView[]> =>
    (await kit.activities.list(ctx, { ...filter, limit: 200 })).data as ActivityView[];
  const createdEvents = async (ctx: TenantContext) => (await kit.events(ctx.tenantId)).filter((e) => e.subject === Events.activity.activityCreated.subject);

  it('records a completed call once on its contact’s timeline, with evt.activity.created once', async () => {
    const ctx = kit.newTenant();
    const contactId = randomUUID();
    const payload = call(contactId, { outcome: 'no-answer', duration_s: null });
    const envelope = envelopeOf(Events.telephony.callCompleted, ctx.tenantId, payload, { actor_id: payload.owner_id });

    expect(await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onCallCompleted, envelope)).toBe('applied');
    const [activity] = await timelineOf(ctx, { contact_id: contactId });
    expect(activity).toMatchObject({
      type: 'call',
      contact_id: contactId,
      actor_id: payload.owner_id,
      subject: 'Call not answered',
      occurred_at: '2026-03-01T10:00:00.000000Z',
      source_event_id: envelope.id,
      payload: { call_id: payload.call_id, outcome: 'no-answer', duration_s: null, to: '+14155550100' },
      done: null,
      version: 1,
    });
    const created = await createdEvents(ctx);
    expect(created).toHaveLength(1);
    expect(created[0].envelope).toMatchObject({ aggregate_id: activity.id, actor_id: payload.owner_id, payload: { activity: { id: activity.id, type: 'call' } } });
  });

  it('writes nothing more when the same event is redelivered, handled twice, or replayed after the inbox forgot it', async () => {
    const ctx = kit.newTenant();
    const contactId = randomUUID();
    const envelope = envelopeOf(Events.telephony.callCompleted, ctx.tenantId, call(contactId));

    expect(await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onCallCompleted, envelope)).toBe('applied');
    // Redelivery (a lost ack, a consumer restart): the inbox knows the event.
    expect(await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onCallCompleted, envelope)).toBe('duplicate');
    // A replay of the stream into a consumer with no memory of it (new durable, or the inbox past its retention).
    expect(await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onCallCompleted, envelope, `replay-${randomUUID()}`)).toBe('applied');
    // The handler itself, run twice in two transactions.
    for (let i = 0; i < 2; i++) await kit.db.transaction(ctx.tenantId, (tx) => kit.telephonyTimeline.onCallCompleted(tx, envelope));

    expect(await timelineOf(ctx, { contact_id: contactId })).toHaveLength(1);
    expect(await createdEvents(ctx)).toHaveLength(1);
  });

  it('records concurrent deliveries of one event once', async () => {
    const ctx = kit.newTenant();
    const contactId = randomUUID();
    const envelope = envelopeOf(Events.telephony.callCompleted, ctx.tenantId, call(contactId));
    await Promise.all(
      Array.from({ length: 4 }, (_, i) => kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onCallCompleted, envelope, `parallel-${i}-${randomUUID()}`)),
    );
    expect(await timelineOf(ctx, { contact_id: contactId })).toHaveLength(1);
    expect(await createdEvents(ctx)).toHaveLength(1);
  });

  it('records sent and received texts, including one from a number that is no contact', async () => {
    const ctx = kit.newTenant();
    const contactId = randomUUID();
    const sent = sms(contactId, 'outbound', { body: 'See you at 10', created_at: '2026-03-01T09:00:00.000Z' });
    const received = sms(contactId, 'inbound', { body: 'STOP', created_at: '2026-03-01T09:05:00.000Z' });
    const stranger = sms(null, 'inbound', { body: 'who is this?' });

    expect(await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onSmsSent, envelopeOf(Events.telephony.smsSent, ctx.tenantId, { sms: sent }))).toBe('applied');
    const inbound = envelopeOf(Events.telephony.smsReceived, ctx.tenantId, { sms: received, keyword: 'opt_out' as const });
    expect(await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onSmsReceived, inbound)).toBe('applied');
    expect(await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onSmsReceived, inbound)).toBe('duplicate');
    await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onSmsReceived, envelopeOf(Events.telephony.smsReceived, ctx.tenantId, { sms: stranger, keyword: null }));

    const timeline = await timelineOf(ctx, { contact_id: contactId });
    expect(timeline.map((a) => [a.type, a.subject, a.body, a.payload.direction])).toEqual([
      ['sms', 'Text received', 'STOP', 'inbound'],
      ['sms', 'Text sent', 'See you at 10', 'outbound'],
    ]);
    expect(timeline[0].payload).toMatchObject({ keyword: 'opt_out', sms_id: received.id });
    expect(timeline[1].actor_id).toBe(sent.owner_id);
    const all = await timelineOf(ctx);
    expect(all.filter((a) => a.contact_id === null).map((a) => a.body)).toEqual(['who is this?']);
  });

  it('puts each stage change of a deal on the deal’s, contact’s and company’s timelines, whatever order the events arrive in', async () => {
    const ctx = kit.newTenant();
    const deal = { id: randomUUID(), contact_id: randomUUID(), company_id: randomUUID() };
    const created = envelopeOf(Events.crm.dealStageChanged, ctx.tenantId, stageChange(deal, null, 'lead', '2026-03-01T08:00:00.000Z'), { aggregate_id: deal.id, version: 1 });
    const moved = envelopeOf(Events.crm.dealStageChanged, ctx.tenantId, stageChange(deal, 'lead', 'qualified', '2026-03-02T08:00:00.000Z'), { aggregate_id: deal.id, version: 2 });
    const movedAgain = envelopeOf(Events.crm.dealStageChanged, ctx.tenantId, stageChange(deal, 'qualified', 'proposal', '2026-03-03T08:00:00.000Z'), { aggregate_id: deal.id, version: 3 });

    // Version 3 arrives before version 2 (a retried delivery): a timeline keeps both.
    for (const envelope of [created, movedAgain, moved, moved]) await kit.deliver(kit.crmTimeline, kit.crmTimeline.onDealStageChanged, envelope);

    const onDeal = await timelineOf(ctx, { deal_id: deal.id });
    expect(onDeal.map((a) => a.subject)).toEqual(['Deal moved from qualified to proposal', 'Deal moved from lead to qualified', 'Deal created in stage lead']);
    expect(onDeal[0]).toMatchObject({
      type: 'deal_stage_changed',
      contact_id: deal.contact_id,
      company_id: deal.company_id,
      actor_id: movedAgain.payload.changed_by,
      payload: { from_stage: 'qualified', to_stage: 'proposal', deal_name: 'Acme renewal', amount: '1200.00', currency: 'USD' },
    });
    expect(await timelineOf(ctx, { contact_id: deal.contact_id })).toHaveLength(3);
    expect(await timelineOf(ctx, { company_id: deal.company_id })).toHaveLength(3);
  });

  it('moves a merged contact’s timeline to the survivor, and puts later events about it there too', async () => {
    const ctx = kit.newTenant();
    const survivor = randomUUID();
    const merged = randomUUID();
    await onCall(ctx, call(merged, { ended_at: '2026-03-01T10:00:00.000Z' }));
    await onCall(ctx, call(survivor, { ended_at: '2026-03-02T10:00:00.000Z' }));
    // A note written on the contact that is merged away moves too.
    kit.records.add(ctx, 'contact_id', merged);
    const note = await kit.activities.create(ctx, { type: 'note', contact_id: merged, body: 'met at the fair', occurred_at: '2026-03-03T10:00:00Z' });

    expect(await merge(ctx, merged, survivor)).toBe('applied');
    expect(await timelineOf(ctx, { contact_id: merged })).toEqual([]);
    const timeline = await timelineOf(ctx, { contact_id: survivor });
    expect(timeline.map((a) => a.type)).toEqual(['note', 'call', 'call']);
    expect(timeline.find((a) => a.id === note.id)?.version).toBe(2);

    // A call on the merged contact that completes (or is delivered) after the merge.
    await onCall(ctx, call(merged, { ended_at: '2026-03-04T10:00:00.000Z' }));
    expect(await timelineOf(ctx, { contact_id: merged })).toEqual([]);
    expect(await timelineOf(ctx, { contact_id: survivor })).toHaveLength(4);
  });

  it('lands calls that complete while the merge commits on the survivor', async () => {
    const ctx = kit.newTenant();
    const [merged, survivor] = [randomUUID(), randomUUID()];
    const calls = Array.from({ length: 12 }, () => call(merged));
    await Promise.all([...calls.slice(0, 6).map((c) => onCall(ctx, c)), merge(ctx, merged, survivor), ...calls.slice(6).map((c) => onCall(ctx, c))]);
    expect(await timelineOf(ctx, { contact_id: merged })).toEqual([]);
    expect(await timelineOf(ctx, { contact_id: survivor })).toHaveLength(12);
  });

  it('follows chains of merges, in either order of arrival', async () => {
    const ctx = kit.newTenant();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await onCall(ctx, call(a));
    await onCall(ctx, call(b));
    await merge(ctx, a, b);
    await merge(ctx, b, c);
    await onCall(ctx, call(a));
    expect((await timelineOf(ctx, { contact_id: c })).length).toBe(3);

    // The second merge handled before the first: d → e is known when f → d arrives.
    const [d, e, f] = [randomUUID(), randomUUID(), randomUUID()];
    await onCall(ctx, call(f));
    await merge(ctx, d, e);
    await merge(ctx, f, d);
    await onCall(ctx, call(f));
    expect(await timelineOf(ctx, { contact_id: d })).toEqual([]);
    expect(await timelineOf(ctx, { contact_id: f })).toEqual([]);
    expect((await timelineOf(ctx, { contact_id: e })).length).toBe(2);
  });

  it('removes an erased contact’s timeline, keeps its deals’ stage changes without it, and records nothing later', async () => {
    const ctx = kit.newTenant();
    const erased = randomUUID();
    const kept = randomUUID();
    const deal = { id: randomUUID(), contact_id: erased };
    await onCall(ctx, call(erased));
    await onCall(ctx, call(kept));
    await kit.deliver(kit.telephonyTimeline, kit.telephonyTimeline.onSmsSent, envelopeOf(Events.telephony.smsSent, ctx.tenantId, { sms: sms(erased, 'outbound') }));
    await kit.deliver(kit.crmTimeline, kit.crmTimeline.onDealStageChanged, envelopeOf(Events.crm.dealStageChanged, ctx.tenantId, stageChange(deal, null, 'lead')));
    const mergedEarlier = randomUUID();
    await onCall(ctx, call(mergedEarlier));
    await merge(ctx, mergedEarlier, erased);

    expect(await purge(ctx, [erased])).toBe('applied');
    expect(await timelineOf(ctx, { contact_id: erased })).toEqual([]);
    expect(await timelineOf(ctx, { contact_id: kept })).toHaveLength(1);
    const onDeal = await timelineOf(ctx, { deal_id: deal.id });
    expect(onDeal).toHaveLength(1);
    expect(onDeal[0]).toMatchObject({ type: 'deal_stage_changed', contact_id: null, version: 2 });

    // Late events about the erased contact (or one merged into it) bring nothing back.
    await onCall(ctx, call(erased));
    await onCall(ctx, call(mergedEarlier));
    await kit.deliver(kit.crmTimeline, kit.crmTimeline.onDealStageChanged, envelopeOf(Events.crm.dealStageChanged, ctx.tenantId, stageChange(deal, 'lead', 'won')));
    expect(await timelineOf(ctx, { contact_id: erased })).toEqual([]);
    expect(await timelineOf(ctx, { contact_id: mergedEarlier })).toEqual([]);
    expect((await timelineOf(ctx, { deal_id: deal.id })).map((a) => a.contact_id)).toEqual([null, null]);
    expect((await kit.rows(ctx.tenantId)).length).toBe(3);
  });

  it('keeps a contact merged away before the erasure of its batch on the survivor', async () => {
    const ctx = kit.newTenant();
    const [merged, survivor] = [randomUUID(), randomUUID()];
    await onCall(ctx, call(merged));
    await merge(ctx, merged, survivor);
    // Merged contacts are deleted ones: the purge erases them past the restore window.
    await purge(ctx, [merged]);
    expect(await timelineOf(ctx, { contact_id: survivor })).toHaveLength(1);
    await onCall(ctx, call(merged));
    expect(await timelineOf(ctx, { contact_id: survivor })).toHaveLength(2);
  });

  it('keeps each tenant’s timeline to itself', async () => {
    const [a, b] = [kit.newTenant(), kit.newTenant()];
    const contactId = randomUUID();
    await onCall(a, call(contactId));
    expect(await timelineOf(b, { contact_id: contactId })).toEqual([]);
    // A merge in another tenant moves nothing of this one.
    await merge(b, contactId, randomUUID());
    expect(await timelineOf(a, { contact_id: contactId })).toHaveLength(1);
  });
});
