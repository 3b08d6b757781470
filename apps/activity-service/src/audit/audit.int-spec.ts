import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EventEnvelope } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { testEnv } from '@engage/testing';
import { domainError, KitUsers, openServiceDatabase } from '@engage/testing/kit';
import { activityServiceDefinition } from '../database/definition';
import { AuditRecorder } from './audit.recorder';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

describe('the audit trail', () => {
  const users = new KitUsers();
  let db: Awaited<ReturnType<typeof openServiceDatabase>>;
  let recorder: AuditRecorder;
  let audit: AuditService;

  beforeAll(async () => {
    db = await openServiceDatabase(activityServiceDefinition, 12);
    const repository = new AuditRepository(db);
    recorder = new AuditRecorder(repository);
    audit = new AuditService(repository);
  });
  afterAll(() => db.close());

  function event(ctx: TenantContext, type: string, payload: Record<string, unknown>, aggregate = 'contact', aggregateId: string = randomUUID()): EventEnvelope<Record<string, unknown>> {
    return {
      id: randomUUID(),
      type,
      tenant_id: ctx.tenantId,
      aggregate_type: aggregate,
      aggregate_id: aggregateId,
      version: 1,
      occurred_at: new Date().toISOString(),
      actor_id: ctx.userId,
      request_id: randomUUID(),
      payload,
    } as EventEnvelope<Record<string, unknown>>;
  }

  const record = (e: EventEnvelope<Record<string, unknown>>) => db.transaction(e.tenant_id, (tx) => recorder.record(tx, e));

  /** A mixed workload: contact, deal, user and call events, some at once. */
  async function workload(ctx: TenantContext): Promise<void> {
    const contactId = randomUUID();
    await record(event(ctx, 'evt.crm.contact.created', { contact: { id: contactId, first_name: 'Ada' } }, 'contact', contactId));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        record(event(ctx, 'evt.crm.contact.updated', { contact: { id: contactId, lead_score: i }, changed: ['lead_score'] }, 'contact', contactId)),
      ),
    );
    await record(event(ctx, 'evt.crm.deal.stage_changed', { deal_id: 'd1', from_stage: 'lead', to_stage: 'qualified' }, 'deal'));
    await record(event(ctx, 'evt.user.auth.login_succeeded', { user_id: ctx.userId }, 'user', ctx.userId!));
    await record(event(ctx, 'evt.user.auth.password_reset_requested', { user_id: ctx.userId, email: 'a@b.test', token: 'one-time-secret' }, 'user', ctx.userId!));
    await record(event(ctx, 'evt.telephony.call.completed', { call_id: 'c1', outcome: 'completed' }, 'call'));
  }

  it('chains every event of a tenant, gap-free under concurrent appends, and verifies', async () => {
    const ctx = users.newTenant();
    await workload(ctx);
    const result = await audit.verify(ctx);
    expect(result).toMatchObject({ ok: true, rows_checked: 25, first_broken: null });
    expect(result.head_hash).toMatch(/^[0-9a-f]{64}$/);
    const page = await audit.list(ctx, { limit: 200 });
    expect(page.data.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    expect(page.data[page.data.length - 1].prev_hash).toBe('0'.repeat(64));
    for (let i = 0; i < page.data.length - 1; i++) expect(page.data[i].prev_hash).toBe(page.data[i + 1].hash);
    expect(page.data[0]).toMatchObject({ service: 'telephony-service', entity: 'call', action: 'call.completed', actor_id: ctx.userId });
  });

  it('shows the previous and new values of the fields an update changed', async () => {
    const ctx = users.newTenant();
    const id = randomUUID();
    await record(event(ctx, 'evt.crm.contact.created', { contact: { id, first_name: 'Ada', title: 'CTO' } }, 'contact', id));
    await record(event(ctx, 'evt.crm.contact.updated', { contact: { id, first_name: 'Grace', title: 'CTO' }, changed: ['first_name'] }, 'contact', id));
    await record(event(ctx, 'evt.crm.contact.updated', { contact: { id, first_name: 'Grace', title: 'CEO' }, changed: ['title'] }, 'contact', id));
    const [last, first] = (await audit.list(ctx, { entity: 'contact', entity_id: id })).data;
    expect(first.changes).toMatchObject({ before: { first_name: 'Ada' }, after: { first_name: 'Grace' } });
    expect(last.changes).toMatchObject({ before: { title: 'CTO' }, after: { title: 'CEO' } });
    expect((await audit.verify(ctx)).ok).toBe(true);
  });

  it('records a redelivered event once, and keeps secrets out', async () => {
    const ctx = users.newTenant();
    const e = event(ctx, 'evt.user.user.invited', { user_id: randomUUID(), email: 'new@b.test', token: 'invite-secret' }, 'user');
    await Promise.all([record(e), record(e), record(e)]);
    const { data } = await audit.list(ctx, {});
    expect(data).toHaveLength(1);
    expect(data[0].changes).toEqual({ user_id: (e.payload as { user_id: string }).user_id, email: 'new@b.test', token: '[redacted]' });
    expect(JSON.stringify(data)).not.toContain('invite-secret');
  });

  it('filters by actor, record and time; admins only; another tenant sees nothing', async () => {
    const ctx = users.newTenant();
    const other = users.as(ctx, 'manager');
    const contactId = randomUUID();
    await record(event(ctx, 'evt.crm.contact.created', { contact: { id: contactId } }, 'contact', contactId));
    await record(event(other, 'evt.crm.deal.created', { deal: { id: 'x' } }, 'deal'));
    expect((await audit.list(ctx, { actor_id: other.userId! })).data.map((e) => e.action)).toEqual(['deal.created']);
    expect((await audit.list(ctx, { entity: 'contact', entity_id: contactId })).data.map((e) => e.entity_id)).toEqual([contactId]);
    expect((await audit.list(ctx, { since: new Date(Date.now() + 60_000).toISOString() })).data).toEqual([]);
    const first = await audit.list(ctx, { limit: 1 });
    expect(first.data.map((e) => e.seq)).toEqual([2]);
    expect((await audit.list(ctx, { limit: 1, cursor: first.page.next_cursor! })).data.map((e) => e.seq)).toEqual([1]);
    expect((await domainError(audit.list(ctx, { cursor: 'garbage!' }))).status).toBe(400);
    expect((await domainError(audit.list(other, {}))).status).toBe(403);
    expect((await domainError(audit.verify(users.as(ctx, 'rep')))).status).toBe(403);
    expect((await audit.list(users.newTenant(), {})).data).toEqual([]);
    expect(await audit.verify(users.newTenant())).toEqual({ ok: true, rows_checked: 0, first_broken: null, head_hash: null });
  });

  it('is append-only: the runtime role may not update or delete, the owner only as the retention job', async () => {
    const ctx = users.newTenant();
    await record(event(ctx, 'evt.crm.contact.created', { contact: {} }));
    const asRuntime = (sql: string) => db.transaction(ctx.tenantId, (tx) => tx.query(sql, [ctx.tenantId]));
    await expect(asRuntime(`UPDATE activity.audit_log SET action = 'x' WHERE tenant_id = $1`)).rejects.toThrow(/permission denied/);
    await expect(asRuntime(`DELETE FROM activity.audit_log WHERE tenant_id = $1`)).rejects.toThrow(/permission denied/);
    const owner = new Client({ connectionString: testEnv.databaseUrls('activity').owner });
    await owner.connect();
    try {
      // Row-level security binds the owner too: it acts in the tenant like the service would.
      await owner.query(`SELECT set_config('app.tenant_id', $1, false)`, [ctx.tenantId]);
      await expect(owner.query(`UPDATE activity.audit_log SET action = 'x' WHERE tenant_id = $1`, [ctx.tenantId])).rejects.toThrow(/append-only/);
      await expect(owner.query(`DELETE FROM activity.audit_log WHERE tenant_id = $1`, [ctx.tenantId])).rejects.toThrow(/append-only/);
      await owner.query('BEGIN');
      await owner.query(`SET LOCAL engage.audit_retention = 'on'`);
      const deleted = await owner.query(`DELETE FROM activity.audit_log WHERE tenant_id = $1`, [ctx.tenantId]);
      await owner.query('COMMIT');
      expect(deleted.rowCount).toBe(1);
    } finally {
      await owner.end();
    }
  });

  it('reports the exact entry a superuser altered, unlinked or removed', async () => {
    const admin = new Client({ connectionString: testEnv.superuserUrl('activity') });
    await admin.connect();
    // Triggers off for this session only: the attacker the chain exists to catch.
    await admin.query(`SET session_replication_role = replica`);
    try {
      const altered = users.newTenant();
      await workload(altered);
      await admin.query(`UPDATE activity.audit_log SET changes = jsonb_set(changes, '{to_stage}', '"closed_won"') WHERE tenant_id = $1 AND seq = 22`, [altered.tenantId]);
      const seq22 = (await audit.list(altered, { limit: 200 })).data.find((e) => e.seq === 22)!;
      expect(await audit.verify(altered)).toEqual({ ok: false, rows_checked: 21, first_broken: { seq: 22, id: seq22.id, reason: 'content' }, head_hash: expect.any(String) });

      // Rehashing the altered row to hide it breaks the link to the next one instead.
      const rehashed = users.newTenant();
      await workload(rehashed);
      await admin.query(`UPDATE activity.audit_log SET hash = repeat('a', 64) WHERE tenant_id = $1 AND seq = 10`, [rehashed.tenantId]);
      expect((await audit.verify(rehashed)).first_broken).toMatchObject({ seq: 10, reason: 'content' });

      const removed = users.newTenant();
      await workload(removed);
      await admin.query(`DELETE FROM activity.audit_log WHERE tenant_id = $1 AND seq = 5`, [removed.tenantId]);
      expect((await audit.verify(removed)).first_broken).toMatchObject({ seq: 6, reason: 'gap' });
    } finally {
      await admin.end();
    }
  });
});
