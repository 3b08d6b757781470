import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TenantContext } from '@engage/context';
import { until } from '@engage/testing';
import { domainError } from '@engage/testing/kit';
import { ALICE, BOB, type GmailKit, startGmailKit } from '../test-support/gmail-test-kit';

/**
 * Gmail sync against the Gmail stand-in (tools/providers/gmail) and the real database: connecting
 * with the official libraries (state, PKCE, code exchange), the first sync of the last 30 days,
 * incremental sync from pushes, a resync after Gmail dropped its history, revoked grants, and one
 * activity per message and contact however many mailboxes and syncs meet it.
 */
jest.setTimeout(60_000);

let kit: GmailKit;
beforeAll(async () => {
  kit = await startGmailKit();
});
afterAll(() => kit?.close());

describe('connecting a mailbox', () => {
  beforeEach(() => kit.control('/reset', {}));

  it('exchanges the code with PKCE, stores the grant sealed, and syncs the last 30 days once', async () => {
    const t = kit.tenantWithContacts();
    const view = await kit.connectAs(t.alice, ALICE);
    expect(view).toMatchObject({ status: 'syncing', email_address: ALICE });

    const now = await kit.service.get(t.alice);
    expect(now).toMatchObject({ status: 'healthy', email_address: ALICE, initial_sync_done: true, messages_seen: 6, messages_imported: 6, last_error: null });
    expect(now.lag_seconds).toBeLessThan(60);
    expect(Date.parse(now.watch_expires_at!)).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    const emails = await kit.emails(t.alice.tenantId);
    // Alice's 7 messages less the kickoff notes of 45 days ago.
    expect(emails.map((e) => e.payload.message_id)).toEqual(
      expect.arrayContaining(['renewal-1@customer.test', 'renewal-2@engage.test', 'renewal-3@customer.test', 'rechnung-42@kunde.test', 'nosubject@tool.test', null]),
    );
    expect(emails).toHaveLength(6);
    expect(emails.find((e) => e.payload.message_id === 'kickoff-old@customer.test')).toBeUndefined();
    const reply = emails.find((e) => e.payload.message_id === 'renewal-2@engage.test')!;
    expect(reply).toMatchObject({ contact_id: t.dana, actor_id: t.alice.userId, subject: 'Re: Renewal for 2026' });
    expect(reply.payload).toMatchObject({ direction: 'outbound', mailbox: ALICE, from: ALICE, to: ['dana@customer.test'], cc: [BOB] });
    const german = emails.find((e) => e.payload.message_id === 'rechnung-42@kunde.test')!;
    expect(german).toMatchObject({ contact_id: t.gina, subject: 'Überweisung für Café ☕ — Rechnung 42' });
    expect(german.payload.direction).toBe('inbound');
    expect(emails.find((e) => e.payload.message_id === 'nosubject@tool.test')!.subject).toBe('(no subject)');
    expect(emails.find((e) => e.payload.message_id === null)!.contact_id).toBe(t.legacy);

    // The refresh token is stored sealed, never in clear; every activity was announced.
    const [row] = await kit.db.transaction(t.alice.tenantId, (tx) => tx.query(`SELECT refresh_token_sealed FROM activity.gmail_connections WHERE tenant_id = $1`, [t.alice.tenantId]));
    expect(row.refresh_token_sealed).toMatch(/^v1\./);
    expect(row.refresh_token_sealed).not.toContain('1//');
    const created = (await kit.events(t.alice.tenantId)).filter((e) => e.subject === 'evt.activity.created');
    expect(created).toHaveLength(6);
    expect((await kit.events(t.alice.tenantId)).filter((e) => e.subject === 'evt.activity.gmail.connection_changed').map((e) => e.envelope.payload.change)).toEqual(['connected']);
  });

  it('gives one activity per message when two reps of the tenant have the same thread', async () => {
    const t = kit.tenantWithContacts();
    await kit.connectAs(t.alice, ALICE);
    await kit.connectAs(t.bob, BOB);
    const emails = await kit.emails(t.alice.tenantId);
    const ids = emails.map((e) => `${String(e.payload.message_id)}→${e.contact_id}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(emails.filter((e) => e.payload.message_id === 'renewal-1@customer.test')).toHaveLength(1);
    expect(emails.filter((e) => e.payload.message_id === 'renewal-2@engage.test')).toHaveLength(1);
    // Bob's mailbox brought only Frank's demo request that Alice's had not.
    expect(await kit.service.get(t.bob)).toMatchObject({ status: 'healthy', messages_seen: 3, messages_imported: 1 });
    expect(emails.find((e) => e.payload.message_id === 'demo-1@prospect.test')).toMatchObject({ contact_id: t.frank, actor_id: t.bob.userId });
  });

  it('writes a message once per contact on it, and nothing for mail with no contact', async () => {
    const t = kit.tenantWithContacts();
    const cc = randomUUID();
    kit.contacts.add(t.alice.tenantId, BOB, cc); // Bob is also a contact of the tenant here
    await kit.connectAs(t.alice, ALICE);
    const renewal1 = (await kit.emails(t.alice.tenantId)).filter((e) => e.payload.message_id === 'renewal-1@customer.test');
    expect(renewal1.map((e) => e.contact_id).sort()).toEqual([t.dana, cc].sort());

    const other = kit.newTenant();
    await kit.connectAs(other, ALICE);
    expect(await kit.emails(other.tenantId)).toEqual([]);
    expect(await kit.service.get(other)).toMatchObject({ status: 'healthy', messages_seen: 6, messages_imported: 0 });
  });

  it('keeps two syncs of one mailbox (two replicas) from running at once and doubles nothing', async () => {
    const t = kit.tenantWithContacts();
    await kit.control('/mailboxes/alice@engage.test/generate', { count: 600, days: 10, contacts: ['dana@customer.test'] });
    const view = await kit.service.connect(t.alice, await kit.consentAs(t.alice, ALICE));
    expect(view.status).toBe('syncing');
    const replicas = [kit.newSync(), kit.newSync()];
    await Promise.all(replicas.flatMap((r) => [r.run(t.alice.tenantId, t.alice.userId!), r.run(t.alice.tenantId, t.alice.userId!)]));
    await kit.sync.idle();
    const emails = await kit.emails(t.alice.tenantId);
    expect(emails).toHaveLength(606);
    expect(new Set(emails.map((e) => e.payload.gmail_message_id)).size).toBe(606);
    expect((await kit.service.get(t.alice)).messages_imported).toBe(606);
  });
});

describe('after the first sync', () => {
  let t: ReturnType<GmailKit['tenantWithContacts']>;
  beforeEach(async () => {
    await kit.control('/reset', {});
    t = kit.tenantWithContacts();
    await kit.connectAs(t.alice, ALICE);
  });

  it('puts mail delivered live on the timeline through the push, with no sync started by hand', async () => {
    await kit.control('/mailboxes/alice@engage.test/messages', {
      from: 'Dana Diaz <dana@customer.test>',
      to: [ALICE],
      subject: 'Live: signed contract',
      text: 'Attached.',
      messageId: '<live-1@customer.test>',
      ageHours: 0,
    });
    // How fast is measured end to end (apps/api-gateway/e2e/gmail.e2e-spec.ts) and in tools/bench/gmail.mjs, not here.
    const email = await until('the live message', async () => (await kit.emails(t.alice.tenantId)).find((e) => e.payload.message_id === 'live-1@customer.test'), 10_000);
    expect(email).toMatchObject({ contact_id: t.dana, subject: 'Live: signed contract' });
    await kit.sync.idle();
    expect((await kit.service.get(t.alice)).messages_imported).toBe(7);
  });

  it('loses no push that arrives during a sync', async () => {
    for (let i = 0; i < 5; i++) {
      await kit.control('/mailboxes/alice@engage.test/messages', { from: 'dana@customer.test', to: [ALICE], subject: `burst ${i}`, text: '.', messageId: `<burst-${i}@customer.test>`, ageHours: 0 });
    }
    await until('every burst message', async () => (await kit.emails(t.alice.tenantId)).filter((e) => String(e.subject).startsWith('burst')).length === 5, 5000);
    await kit.sync.idle();
    expect((await kit.emails(t.alice.tenantId)).filter((e) => String(e.subject).startsWith('burst'))).toHaveLength(5);
  });

  it('resyncs without duplicates when Gmail no longer has the history (404)', async () => {
    await kit.control('/mailboxes/alice@engage.test/watch/expire', {});
    await kit.control('/mailboxes/alice@engage.test/messages', { from: 'dana@customer.test', to: [ALICE], subject: 'while unwatched', text: '.', messageId: '<gap-1@customer.test>', ageHours: 0 });
    await kit.control('/mailboxes/alice@engage.test/history/expire', {});
    await kit.sync.run(t.alice.tenantId, t.alice.userId!);
    await kit.sync.idle();
    const emails = await kit.emails(t.alice.tenantId);
    expect(emails).toHaveLength(7);
    expect(emails.filter((e) => e.payload.message_id === 'gap-1@customer.test')).toHaveLength(1);
    const [row] = await kit.db.transaction(t.alice.tenantId, (tx) => tx.query(`SELECT full_resyncs FROM activity.gmail_connections WHERE tenant_id = $1`, [t.alice.tenantId]));
    expect(row.full_resyncs).toBe(1);
    expect(await kit.service.get(t.alice)).toMatchObject({ status: 'healthy', initial_sync_done: true, messages_imported: 7 });
  });

  it('marks a revoked grant as needing consent, tells the user once, and stops syncing it', async () => {
    await kit.control('/tokens/revoke', { email: ALICE });
    await kit.control('/tokens/expire-access', { email: ALICE });
    await kit.sync.run(t.alice.tenantId, t.alice.userId!);
    await kit.sync.run(t.alice.tenantId, t.alice.userId!);
    const view = await kit.service.get(t.alice);
    expect(view).toMatchObject({ status: 'needs_reconsent' });
    expect(view.last_error).toMatch(/invalid_grant/);
    expect(view.last_error).not.toMatch(/ya29|1\/\//);
    const changes = (await kit.events(t.alice.tenantId)).filter((e) => e.subject === 'evt.activity.gmail.connection_changed').map((e) => e.envelope.payload);
    expect(changes).toEqual([
      expect.objectContaining({ change: 'connected' }),
      expect.objectContaining({ change: 'needs_reconsent', user_id: t.alice.userId, email_address: ALICE, reason: 'invalid_grant' }),
    ]);
    // No push wakes it (the address's connections in other tenants are not this one), and connecting again brings it back.
    expect(await kit.connections.connectionsOf(ALICE)).not.toContainEqual({ tenant_id: t.alice.tenantId, user_id: t.alice.userId });
    expect(await kit.connections.requestSync(t.alice.tenantId, t.alice.userId!)).toBe(false);
    await kit.connectAs(t.alice, ALICE);
    expect(await kit.service.get(t.alice)).toMatchObject({ status: 'healthy', messages_imported: 0 });
    expect(await kit.emails(t.alice.tenantId)).toHaveLength(6);
  });

  it('marks a failing Gmail API as an error with what happened, and catches up on the next sync', async () => {
    // A proxy in front of the stand-in's Gmail API that can be made to answer 503, as Google sometimes does.
    let failing = false;
    let target = '';
    const proxy = createServer((req, res) => {
      if (failing) return void res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } }));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length' && k !== 'connection')) as Record<string, string>;
        void fetch(`${target}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined }).then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await r.arrayBuffer()));
        });
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    const flaky = await startGmailKit({ config: { GMAIL_GMAIL_ROOT_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/` } });
    target = flaky.standIn.url;
    try {
      const u = flaky.newTenant();
      flaky.contacts.add(u.tenantId, 'dana@customer.test', randomUUID());
      await flaky.connectAs(u, ALICE);
      expect(await flaky.service.get(u)).toMatchObject({ status: 'healthy', messages_imported: 3 });

      failing = true;
      await flaky.control('/mailboxes/alice@engage.test/messages', { from: 'dana@customer.test', to: [ALICE], subject: 'during the outage', text: '.', messageId: '<outage-1@customer.test>', ageHours: 0 });
      await flaky.sync.run(u.tenantId, u.userId!);
      const down = await flaky.service.get(u);
      expect(down).toMatchObject({ status: 'error' });
      expect(down.last_error).toMatch(/503/);

      failing = false;
      await flaky.sync.run(u.tenantId, u.userId!);
      expect(await flaky.service.get(u)).toMatchObject({ status: 'healthy', last_error: null, messages_imported: 4 });
      expect((await flaky.emails(u.tenantId)).filter((e) => e.payload.message_id === 'outage-1@customer.test')).toHaveLength(1);
    } finally {
      await flaky.close();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('answers 400 to a code Google refuses, and leaves no connection', async () => {
    const consent = await kit.consentAs(t.bob, BOB);
    expect(await domainError(kit.service.connect(t.bob, { ...consent, code: 'not-a-code' }))).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(await kit.service.get(t.bob)).toMatchObject({ status: 'not_connected' });
  });

  it('disconnects: revokes the grant at Google, keeps the activities, and answers 404 the second time', async () => {
    const [row] = await kit.db.transaction(t.alice.tenantId, (tx) => tx.query(`SELECT refresh_token_sealed FROM activity.gmail_connections WHERE tenant_id = $1`, [t.alice.tenantId]));
    const refreshToken = kit.credentials.open(t.alice.tenantId, row.refresh_token_sealed);
    expect(await kit.service.disconnect(t.alice)).toMatchObject({ status: 'not_connected' });
    const refresh = await fetch(kit.standIn.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: kit.standIn.clientId, client_secret: kit.standIn.clientSecret }),
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await kit.emails(t.alice.tenantId)).toHaveLength(6);
    expect(await kit.service.get(t.alice)).toMatchObject({ status: 'not_connected', email_address: null });
    expect(await domainError(kit.service.disconnect(t.alice))).toMatchObject({ status: 404 });
  });
});

const pushBody = (emailAddress: string, historyId = 1) => ({
  message: { data: Buffer.from(JSON.stringify({ emailAddress, historyId })).toString('base64'), messageId: '1', publishTime: new Date().toISOString() },
  subscription: 'projects/engage-standin/subscriptions/gmail-push',
});

describe('bad input', () => {
  let ctx: TenantContext;
  beforeEach(async () => {
    await kit.control('/reset', {});
    ctx = kit.newTenant();
  });

  it('refuses a replayed state, another user’s state, an expired-or-unknown state and a bad code with 400', async () => {
    const first = await kit.consentAs(ctx, ALICE);
    await kit.service.connect(ctx, first);
    await kit.sync.idle();
    expect(await domainError(kit.service.connect(ctx, first))).toMatchObject({ status: 400, code: 'validation_failed' });

    const colleague = kit.users.as(ctx, 'rep');
    const stolen = await kit.consentAs(ctx, BOB);
    expect(await domainError(kit.service.connect(colleague, stolen))).toMatchObject({ status: 400 });
    // The state is still its own user's to use: someone else's failed attempt does not burn it.
    expect(await kit.service.connect(ctx, stolen)).toMatchObject({ email_address: BOB, status: 'syncing' });
    await kit.sync.idle();

    const strange = await kit.consentAs(colleague, BOB);
    expect(await domainError(kit.service.connect(colleague, { code: 'forged', state: strange.state }))).toMatchObject({ status: 400 });
    expect(await domainError(kit.service.connect(colleague, { code: strange.code, state: 'A'.repeat(43) }))).toMatchObject({ status: 400 });
  });

  it('lets one of several parallel connects with the same state through, and refuses the others with 400', async () => {
    const consent = await kit.consentAs(ctx, ALICE);
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => kit.service.connect(ctx, consent)));
    await kit.sync.idle();
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) expect(o.reason).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(await kit.service.get(ctx)).toMatchObject({ email_address: ALICE });
  });

  it('refuses a mailbox another user of the tenant already connected (409), and revokes the new grant', async () => {
    await kit.connectAs(ctx, ALICE);
    const colleague = kit.users.as(ctx, 'rep');
    const error = await domainError(kit.service.connect(colleague, await kit.consentAs(colleague, ALICE)));
    expect(error).toMatchObject({ status: 409 });
    expect(await kit.service.get(colleague)).toMatchObject({ status: 'not_connected' });
    expect(await kit.service.get(ctx)).toMatchObject({ status: 'healthy', email_address: ALICE });
  });

  it('answers 403 without the email_sync module, to an API key, and for a push with a wrong or missing token', async () => {
    kit.modules.switchOff(ctx.tenantId, 'email_sync');
    expect(await domainError(kit.service.authorizeUrl(ctx))).toMatchObject({ status: 403, code: 'module_not_enabled' });
    kit.modules.switchOn(ctx.tenantId, 'email_sync');
    expect(await domainError(kit.service.authorizeUrl({ ...ctx, apiKeyId: randomUUID() }))).toMatchObject({ status: 403 });
    expect(await domainError(kit.service.push('wrong', pushBody(ALICE)))).toMatchObject({ status: 403 });
    expect(await domainError(kit.service.push(null, pushBody(ALICE)))).toMatchObject({ status: 403 });
  });

  it('answers 400 to a push that is no Pub/Sub message, and acknowledges one for an unknown mailbox', async () => {
    const token = kit.standIn.pushToken;
    for (const body of [null, {}, { message: {} }, { message: { data: '!!!' } }, { message: { data: Buffer.from('{"historyId":1}').toString('base64') } }, 'text']) {
      expect(await domainError(kit.service.push(token, body))).toMatchObject({ status: 400 });
    }
    expect(await kit.service.push(token, pushBody('nobody@nowhere.test'))).toEqual({ connections: 0 });
  });

  it('keeps connections apart between tenants: another tenant sees no connection and a push wakes only the address’s own', async () => {
    await kit.connectAs(ctx, ALICE);
    const other = kit.newTenant();
    expect(await kit.service.get(other)).toMatchObject({ status: 'not_connected' });
    expect(await domainError(kit.service.disconnect(other))).toMatchObject({ status: 404 });
    expect(await kit.connections.connectionsOf(ALICE)).toContainEqual({ tenant_id: ctx.tenantId, user_id: ctx.userId });
    expect((await kit.service.push(kit.standIn.pushToken, pushBody(ALICE))).connections).toBeGreaterThanOrEqual(1);
    await kit.sync.idle();
    // Outside the mail_sync reason, the runtime role sees no other tenant's connection.
    const seen = await kit.db.transaction(other.tenantId, (tx) => tx.query(`SELECT tenant_id FROM activity.gmail_connections`));
    expect(seen).toEqual([]);
    // Under it, connection rows are readable, and nothing else: no activities, no changes, no tokens of OAuth states.
    const underReason = await kit.db.acrossTenants('mail_sync', async (tx) => ({
      connections: await tx.query(`SELECT tenant_id FROM activity.gmail_connections WHERE tenant_id = $1`, [ctx.tenantId]),
      activities: await tx.query(`SELECT id FROM activity.activities WHERE tenant_id = $1`, [ctx.tenantId]),
      states: await tx.query(`SELECT state_hash FROM activity.gmail_oauth_states`),
      updated: await tx.query(`UPDATE activity.gmail_connections SET status = 'error' WHERE tenant_id = $1 RETURNING user_id`, [ctx.tenantId]),
    }));
    expect(underReason).toEqual({ connections: [{ tenant_id: ctx.tenantId }], activities: [], states: [], updated: [] });
  });
});

