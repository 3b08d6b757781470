import { randomUUID } from 'node:crypto';
import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';
import { domainError } from '@engage/testing/kit';

describe('pipelines and deals against PostgreSQL', () => {
  let kit: CrmKit;

  beforeAll(async () => {
    kit = await startCrmKit();
  });
  afterAll(() => kit.close());

  it('creates the default pipeline of SPEC section 5 on first use, once', async () => {
    const ctx = kit.newTenant('rep');
    const [first, again] = await Promise.all([kit.pipelines.list(ctx), kit.pipelines.list(ctx)]);
    expect(first.data).toHaveLength(1);
    expect(again.data[0].id).toBe(first.data[0].id);
    expect(first.data[0]).toMatchObject({ name: 'Sales', is_default: true });
    expect(first.data[0].stages.map((s) => s.key)).toEqual(['lead', 'qualified', 'proposal', 'negotiation', 'closed_won', 'closed_lost']);
  });

  it('creates a deal in the default pipeline with an exact decimal amount and records its first stage', async () => {
    const ctx = kit.newTenant();
    const deal = await kit.deals.create(ctx, { name: 'Exact', amount: '12345678901234.5678', currency: 'EUR' });
    expect(deal).toMatchObject({ amount: '12345678901234.5678', currency: 'EUR', stage: 'lead', probability: 10, owner_id: ctx.userId, version: 1 });
    const history = await kit.deals.stageHistory(ctx, deal.id);
    expect(history.data).toEqual([expect.objectContaining({ from_stage: null, to_stage: 'lead', changed_by: ctx.userId })]);
  });

  it('records every stage change with who and when, and emits deal.stage_changed', async () => {
    const ctx = kit.newTenant();
    const manager = kit.as(ctx, 'manager');
    const deal = await kit.deals.create(ctx, { name: 'Moves' });
    await kit.deals.update(ctx, { id: deal.id, stage: 'proposal' });
    const won = await kit.deals.update(manager, { id: deal.id, stage: 'closed_won' });
    expect(won).toMatchObject({ stage: 'closed_won', probability: 100, version: 3 });
    await kit.deals.update(ctx, { id: deal.id, name: 'Renamed only' });
    const history = (await kit.deals.stageHistory(ctx, deal.id)).data;
    expect(history.map((h) => [h.from_stage, h.to_stage, h.changed_by])).toEqual([
      [null, 'lead', ctx.userId],
      ['lead', 'proposal', ctx.userId],
      ['proposal', 'closed_won', manager.userId],
    ]);
    const events = await kit.events(ctx.tenantId);
    const changes = events.filter((e) => e.subject === 'evt.crm.deal.stage_changed').map((e) => e.envelope.payload);
    expect(changes.map((p) => [p.from_stage, p.to_stage])).toEqual([
      [null, 'lead'],
      ['lead', 'proposal'],
      ['proposal', 'closed_won'],
    ]);
  });

  it('refuses a stage that is not in the pipeline, and a pipeline of another tenant', async () => {
    const ctx = kit.newTenant();
    const other = kit.newTenant();
    const theirs = await kit.pipelines.create(other, { name: 'Theirs', stages: [{ key: 'a', name: 'A', order: 1, probability: 5 }] });
    expect(await domainError(kit.deals.create(ctx, { name: 'X', stage: 'nope' }))).toMatchObject({ status: 400, details: { fields: { stage: expect.any(Array) } } });
    expect(await domainError(kit.deals.create(ctx, { name: 'X', pipeline_id: theirs.id }))).toMatchObject({ status: 400 });
  });

  it('moves a deal to a custom pipeline at its first stage', async () => {
    const ctx = kit.newTenant();
    const renewals = await kit.pipelines.create(ctx, {
      name: 'Renewals',
      stages: [
        { key: 'due', name: 'Due', order: 2, probability: 60 },
        { key: 'upcoming', name: 'Upcoming', order: 1, probability: 30 },
      ],
    });
    expect(renewals.stages.map((s) => s.key)).toEqual(['upcoming', 'due']);
    const deal = await kit.deals.create(ctx, { name: 'Renew' });
    const moved = await kit.deals.update(ctx, { id: deal.id, pipeline_id: renewals.id });
    expect(moved).toMatchObject({ pipeline_id: renewals.id, stage: 'upcoming', probability: 30 });
  });

  it('refuses to remove a stage deals are in (409 stage_in_use), and allows it once empty', async () => {
    const ctx = kit.newTenant();
    const pipeline = await kit.pipelines.create(ctx, {
      name: 'P',
      stages: [
        { key: 'a', name: 'A', order: 1, probability: 10 },
        { key: 'b', name: 'B', order: 2, probability: 20 },
      ],
    });
    const deal = await kit.deals.create(ctx, { name: 'In b', pipeline_id: pipeline.id, stage: 'b' });
    const refused = await domainError(kit.pipelines.update(ctx, { id: pipeline.id, stages: [{ key: 'a', name: 'A', order: 1, probability: 10 }] }));
    expect(refused).toMatchObject({ status: 409, code: 'stage_in_use', details: { stages: ['b'] } });
    await kit.deals.delete(ctx, { id: deal.id });
    await expect(kit.pipelines.update(ctx, { id: pipeline.id, stages: [{ key: 'a', name: 'A', order: 1, probability: 10 }] })).resolves.toMatchObject({ version: 2 });
  });

  it('lets reps change and delete only their own deals, and read-only pipelines', async () => {
    const admin = kit.newTenant();
    const rep = kit.as(admin, 'rep');
    const theirs = await kit.deals.create(admin, { name: 'Admin’s' });
    const mine = await kit.deals.create(rep, { name: 'Rep’s' });
    await expect(kit.deals.update(rep, { id: mine.id, amount: '10.00' })).resolves.toMatchObject({ amount: '10.00' });
    expect((await domainError(kit.deals.update(rep, { id: theirs.id, amount: '1' }))).status).toBe(403);
    expect((await domainError(kit.deals.delete(rep, { id: theirs.id }))).status).toBe(403);
    expect((await domainError(kit.deals.update(rep, { id: mine.id, owner_id: admin.userId! }))).status).toBe(403);
    expect((await domainError(kit.pipelines.create(rep, { name: 'No', stages: [{ key: 'a', name: 'A', order: 1, probability: 1 }] }))).status).toBe(403);
    await expect(kit.deals.get(rep, theirs.id)).resolves.toMatchObject({ name: 'Admin’s' });
  });

  it('gives a deal only to an active user of the tenant', async () => {
    const admin = kit.newTenant();
    const rep = kit.as(admin, 'rep');
    const stranger = kit.newTenant();
    expect((await domainError(kit.deals.create(admin, { name: 'Nobody’s', owner_id: stranger.userId! }))).details).toEqual({
      fields: { owner_id: ['no user of this tenant has this id'] },
    });
    const deal = await kit.deals.create(admin, { name: 'Rep’s', owner_id: rep.userId! });
    expect(deal.owner_id).toBe(rep.userId);
    kit.deactivate(rep.userId!);
    const other = await kit.deals.create(admin, { name: 'Other' });
    expect((await domainError(kit.deals.update(admin, { id: other.id, owner_id: rep.userId! }))).status).toBe(400);
    await expect(kit.deals.update(admin, { id: deal.id, owner_id: rep.userId!, amount: '5.00' })).resolves.toMatchObject({ amount: '5.00' });
  });

  it('answers 404 for a deal of another tenant and 412 for a stale version', async () => {
    const ctx = kit.newTenant();
    const stranger = kit.newTenant();
    const deal = await kit.deals.create(ctx, { name: 'Mine' });
    for (const call of [
      () => kit.deals.get(stranger, deal.id),
      () => kit.deals.update(stranger, { id: deal.id, name: 'x' }),
      () => kit.deals.delete(stranger, { id: deal.id }),
      () => kit.deals.stageHistory(stranger, deal.id),
    ]) {
      expect((await domainError(call())).status).toBe(404);
    }
    expect((await domainError(kit.deals.update(ctx, { id: deal.id, name: 'x', if_match: 7 }))).status).toBe(412);
  });

  it('lists deals by pipeline stage and contact with keyset pages', async () => {
    const ctx = kit.newTenant();
    const contact = await kit.contacts.create(ctx, { first_name: 'Buyer' });
    for (let i = 0; i < 5; i++) await kit.deals.create(ctx, { name: `D${i}`, contact_id: i < 3 ? contact.id : null, stage: i % 2 ? 'proposal' : 'lead' });
    const page1 = await kit.deals.list(ctx, { contact_id: contact.id, sort: 'name', limit: 2 });
    const page2 = await kit.deals.list(ctx, { contact_id: contact.id, sort: 'name', limit: 2, cursor: page1.page.next_cursor! });
    expect([...page1.data, ...page2.data].map((d) => d.name)).toEqual(['d0', 'd1', 'd2'].map((n) => n.toUpperCase()));
    expect(page2.page).toEqual({ has_more: false, next_cursor: null });
    expect((await kit.deals.list(ctx, { stage: 'proposal' })).data.map((d) => d.name).sort()).toEqual(['D1', 'D3']);
  });
  it('never leaves a deal in a removed stage when the removal races a deal moving into it (one of them is refused)', async () => {
    const ctx = kit.newTenant();
    const stages = [
      { key: 'a', name: 'A', order: 1, probability: 10 },
      { key: 'b', name: 'B', order: 2, probability: 20 },
    ];
    for (let round = 0; round < 10; round++) {
      const pipeline = await kit.pipelines.create(ctx, { name: `Race ${round}`, stages });
      const deal = await kit.deals.create(ctx, { name: `Mover ${round}`, pipeline_id: pipeline.id, stage: 'a' });
      // Real concurrency: two transactions on two connections, started together.
      const [move, removal, created] = await Promise.allSettled([
        kit.deals.update(ctx, { id: deal.id, stage: 'b' }),
        kit.pipelines.update(ctx, { id: pipeline.id, stages: [stages[0]] }),
        kit.deals.create(ctx, { name: `New ${round}`, pipeline_id: pipeline.id, stage: 'b' }),
      ]);
      const now = (await kit.pipelines.list(ctx)).data.find((p) => p.id === pipeline.id)!;
      const keys = now.stages.map((s) => s.key);
      const live = (await kit.deals.list(ctx, { pipeline_id: pipeline.id, limit: 10 })).data;
      // The invariant: every deal of the pipeline is in a stage the pipeline has.
      for (const d of live) expect(keys).toContain(d.stage);
      if (removal.status === 'rejected') {
        expect(removal.reason).toMatchObject({ status: 409, code: 'stage_in_use' });
        expect(keys).toEqual(['a', 'b']);
      } else {
        expect(keys).toEqual(['a']);
        // The moves that lost the race were refused as moves into a stage the pipeline no longer has.
        for (const outcome of [move, created]) {
          if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ status: 400, details: { fields: { stage: expect.any(Array) } } });
          else expect(outcome.value.stage).not.toBe('b');
        }
      }
    }
  });
  it('answers 400 bad_request to a cursor whose value has the wrong type for its sort', async () => {
    const ctx = kit.newTenant();
    await kit.deals.create(ctx, { name: 'Paged' });
    const tampered = (s: string, v: unknown) => Buffer.from(JSON.stringify({ s, v, id: randomUUID() })).toString('base64url');
    const cases: Array<[string, unknown]> = [
      ['-created_at', 'not a time'],
      ['updated_at', 1700000000],
      ['-updated_at', '2026-13-01T00:00:00Z'],
      ['name', 5],
      ['name', 'a\u0000b'],
    ];
    for (const [sort, v] of cases) {
      const error = await domainError(kit.deals.list(ctx, { sort: sort as never, cursor: tampered(sort, v) }));
      expect({ sort, v, status: error.status, code: error.code }).toEqual({ sort, v, status: 400, code: 'bad_request' });
    }
  });
});
