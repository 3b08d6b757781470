import { DEFAULT_GMAIL_FIXTURE } from '@engage/providers/gmail';
import WebSocket from 'ws';
import { api, e2eStack, newTenant, newUser, type TenantSession, until } from '@engage/testing';

/**
 * Gmail sync end to end: the stack's Gmail stand-in (tools/providers/gmail) holds the mailboxes,
 * consent goes through its OAuth paths, its Pub/Sub pushes reach POST /webhooks/gmail on the
 * gateway, and the mail shows on the contacts' timelines (GET /v1/activities?type=email).
 */
jest.setTimeout(300_000);

const BULK = 'bulk@engage.test';
const BULK_COUNT = 10_000;
const ALICE = 'alice@engage.test';
const BOB = 'bob@engage.test';
const ERIN = 'erin@other.test';

type Connection = { status: string; email_address: string | null; initial_sync_done: boolean; messages_seen: number; messages_imported: number; last_error: string | null; lag_seconds: number | null };
type Activity = { id: string; type: string; contact_id: string; subject: string; payload: { message_id: string | null; gmail_message_id: string; mailbox: string } };
type Page<T> = { data: T[]; page: { next_cursor: string | null } };
const gmail = () => e2eStack.provider('gmail');

async function control<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${String(gmail().controlUrl)}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Connects `mailbox` for the user of `token` through the gateway, consenting at the stand-in as that mailbox. */
async function connect(token: string, mailbox: string) {
  const authorize = await api<{ url: string; state: string }>('/v1/integrations/gmail/authorize-url', { token });
  expect(authorize.status).toBe(200);
  const consent = await fetch(`${authorize.body.url}&login_hint=${encodeURIComponent(mailbox)}`, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!).searchParams;
  expect(back.get('state')).toBe(authorize.body.state);
  const connected = await api<Connection>('/v1/integrations/gmail/connect', { token, body: { code: back.get('code'), state: back.get('state') } });
  expect(connected.status).toBe(200);
  return connected.body;
}

const connection = async (token: string) => (await api<Connection>('/v1/integrations/gmail', { token })).body;
const synced = (token: string, timeoutMs = 60_000) => until('the first sync', async () => ((c) => c.status === 'healthy' && c.initial_sync_done && c)(await connection(token)), timeoutMs, 250);

async function contact(session: TenantSession, email: string): Promise<string> {
  const res = await api<{ id: string }>('/v1/contacts', { token: session.accessToken, body: { first_name: email.split('@')[0], emails: [email] } });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** The latest seq of the user's realtime stream: an `after` beyond it gets `reset` and then `ready` with it, nothing replayed. */
async function latestSeq(token: string): Promise<number> {
  const ws = new WebSocket(`${e2eStack.gatewayUrl().replace(/^http/, 'ws')}/v1/realtime`);
  try {
    return await new Promise<number>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token, after: 2_147_483_647 })));
      ws.on('message', (raw) => {
        const frame = JSON.parse(String(raw)) as { type: string; seq?: number };
        if (frame.type === 'ready') resolve(Number(frame.seq));
      });
      setTimeout(() => reject(new Error('no ready frame')), 10_000);
    });
  } finally {
    ws.close();
  }
}

/** Every email activity on a contact's timeline. */
async function emailsOf(session: TenantSession, contactId: string): Promise<Activity[]> {
  const all: Activity[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: Page<Activity> } = await api<Page<Activity>>(
      `/v1/activities?contact_id=${contactId}&type=email&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: session.accessToken },
    );
    expect(res.status).toBe(200);
    all.push(...res.body.data);
    cursor = res.body.page.next_cursor;
  } while (cursor);
  return all;
}

beforeAll(async () => {
  await control('/reset', {
    fixture: {
      mailboxes: [...DEFAULT_GMAIL_FIXTURE.mailboxes, { email: BULK, name: 'Bulk Rep', generate: { count: BULK_COUNT, days: 29, threadSize: 4, prefix: 'bulk' } }],
      messages: DEFAULT_GMAIL_FIXTURE.messages,
    },
  });
});

describe('Gmail sync through the gateway', () => {
  it(`syncs a mailbox of ${BULK_COUNT.toLocaleString('en')} messages with none missing and none doubled, message by message`, async () => {
    const tenant = await newTenant('GmailBulk');
    const contacts = await Promise.all(['dana@customer.test', 'frank@prospect.test', 'gina@kunde.test'].map((e) => contact(tenant, e)));
    const started = Date.now();
    expect(await connect(tenant.accessToken, BULK)).toMatchObject({ status: 'syncing', email_address: BULK });
    const done = await synced(tenant.accessToken, 240_000);
    const seconds = (Date.now() - started) / 1000;
    console.log(`gmail e2e: initial sync of ${BULK_COUNT} messages in ${seconds.toFixed(1)} s (${Math.round(BULK_COUNT / seconds)} messages/s)`);
    expect(done).toMatchObject({ messages_seen: BULK_COUNT, messages_imported: BULK_COUNT, last_error: null });

    const mailbox = await control<{ messages: Array<{ id: string; messageId: string }> }>(`/mailboxes/${BULK}`);
    expect(mailbox.messages).toHaveLength(BULK_COUNT);
    const onTimelines = (await Promise.all(contacts.map((id) => emailsOf(tenant, id)))).flat();
    const seen = new Map<string, number>();
    for (const a of onTimelines) seen.set(a.payload.gmail_message_id, (seen.get(a.payload.gmail_message_id) ?? 0) + 1);
    const missing = mailbox.messages.filter((m) => !seen.has(m.id));
    const doubled = [...seen].filter(([, n]) => n > 1);
    expect({ missing: missing.length, doubled: doubled.length, total: onTimelines.length }).toEqual({ missing: 0, doubled: 0, total: BULK_COUNT });
    const byGmailId = new Map(onTimelines.map((a) => [a.payload.gmail_message_id, a]));
    for (const m of mailbox.messages) expect(`<${byGmailId.get(m.id)!.payload.message_id}>`).toBe(m.messageId);

    // Every new activity was announced: the audit trail and the owner's realtime stream record each one. (Waiting
    // for them here also keeps this burst from delaying the next tests' events.)
    await until('the audit trail to record every email', async () => (await api<{ rows_checked: number }>('/v1/audit/verify', { token: tenant.accessToken })).body.rows_checked >= BULK_COUNT, 240_000, 1000);
    await until('the owner’s realtime stream to hold every email', async () => (await latestSeq(tenant.accessToken)) >= BULK_COUNT, 240_000, 1000);
  });

  describe('two reps of one tenant', () => {
    let tenant: TenantSession;
    let bob: { accessToken: string };
    let dana: string;

    beforeAll(async () => {
      tenant = await newTenant('GmailTeam');
      bob = await newUser(tenant, 'rep');
      dana = await contact(tenant, 'dana@customer.test');
      await contact(tenant, 'frank@prospect.test');
      await connect(tenant.accessToken, ALICE);
      await connect(bob.accessToken, BOB);
      await Promise.all([synced(tenant.accessToken), synced(bob.accessToken)]);
    });

    const messageIds = async () => (await emailsOf(tenant, dana)).map((a) => a.payload.message_id);

    it('get one activity for the thread they share', async () => {
      const ids = await messageIds();
      expect(ids.filter((id) => id === 'renewal-1@customer.test')).toHaveLength(1);
      expect(ids.filter((id) => id === 'renewal-2@engage.test')).toHaveLength(1);
      expect(new Set(ids).size).toBe(ids.length);
      expect(await connection(bob.accessToken)).toMatchObject({ email_address: BOB, messages_seen: 3, messages_imported: 1 });
    });

    it('see a message added live on the timeline through the push within 2 s', async () => {
      const messageId = `live-${Date.now()}@customer.test`;
      const started = Date.now();
      await control(`/mailboxes/${ALICE}/messages`, { from: 'Dana Diaz <dana@customer.test>', to: [ALICE], subject: 'Signed', text: 'Signed copy attached.', messageId: `<${messageId}>`, ageHours: 0 });
      await until('the live message on the timeline', async () => (await messageIds()).includes(messageId), 2000, 50);
      const elapsed = Date.now() - started;
      console.log(`gmail e2e: live message on the timeline ${elapsed} ms after delivery`);
      expect(elapsed).toBeLessThan(2000);
      const { pushes } = await control<{ pushes: Array<{ emailAddress: string; status: number }> }>('/pushes');
      expect(pushes.some((p) => p.emailAddress === ALICE && p.status === 204)).toBe(true);
    });

    it('resync after Gmail dropped the history (404) without duplicates', async () => {
      const before = (await messageIds()).length;
      await control(`/mailboxes/${ALICE}/watch/expire`, {});
      const messageId = `gap-${Date.now()}@customer.test`;
      await control(`/mailboxes/${ALICE}/messages`, { from: 'dana@customer.test', to: [ALICE], subject: 'While unwatched', text: '.', messageId: `<${messageId}>`, ageHours: 0 });
      await control(`/mailboxes/${ALICE}/history/expire`, {});
      await control('/push', { email: ALICE });
      await until('the message read by the resync', async () => (await messageIds()).includes(messageId), 10_000);
      const ids = await messageIds();
      expect(ids).toHaveLength(before + 1);
      expect(new Set(ids).size).toBe(ids.length);
      expect(await connection(tenant.accessToken)).toMatchObject({ status: 'healthy', initial_sync_done: true });
    });
  });

  it('marks a revoked grant as needing consent and notifies the user', async () => {
    const tenant = await newTenant('GmailRevoked');
    await connect(tenant.accessToken, ERIN);
    await synced(tenant.accessToken);
    await control('/tokens/revoke', { email: ERIN });
    await control('/push', { email: ERIN });
    const marked = await until('needs_reconsent', async () => ((c) => c.status === 'needs_reconsent' && c)(await connection(tenant.accessToken)), 10_000);
    expect(marked.last_error).toMatch(/invalid_grant/);
    const notice = await until(
      'the reconsent notification',
      async () => (await api<{ data: Array<{ kind: string; title: string; data: Record<string, unknown> }> }>('/v1/notifications', { token: tenant.accessToken })).body.data.find((n) => n.kind === 'gmail_reconsent'),
      10_000,
    );
    expect(notice).toMatchObject({ data: { email_address: ERIN } });
    expect(notice.title).toContain(ERIN);
  });

  it('keep message bodies only when an admin turns it on, and show them to who may read the activity', async () => {
    const tenant = await newTenant('GmailBodies');
    const rep = await newUser(tenant, 'rep');
    const frank = await contact(tenant, 'frank@prospect.test');
    const settings = (body: unknown, token = tenant.accessToken) => api<Record<string, unknown>>('/v1/integrations/gmail/settings', { token, method: 'PUT', body });
    expect((await api('/v1/integrations/gmail/settings', { token: rep.accessToken })).body).toMatchObject({ initial_sync_days: 30, store_bodies: false });
    expect((await settings({ store_bodies: true }, rep.accessToken)).status).toBe(403);
    for (const bad of [{ initial_sync_days: 0 }, { initial_sync_days: 366 }, { store_bodies: 'yes' }, { body_retention_days: 1.5 }, { color: 'red' }]) {
      expect((await settings(bad)).status).toBe(400);
    }
    expect(await settings({ store_bodies: true, body_retention_days: 365 })).toMatchObject({ status: 200, body: { store_bodies: true, body_retention_days: 365 } });

    await connect(rep.accessToken, BOB);
    await synced(rep.accessToken);
    const [demo] = (await emailsOf(tenant, frank)).filter((a) => a.payload.message_id === 'demo-1@prospect.test');
    const body = await api<{ text: string }>(`/v1/activities/${demo.id}/email-body`, { token: rep.accessToken });
    expect(body).toMatchObject({ status: 200, body: { activity_id: demo.id, text: 'Hello Bob, could we see a demo next week?', truncated: false } });
    const other = await newTenant('GmailBodiesOther');
    expect((await api(`/v1/activities/${demo.id}/email-body`, { token: other.accessToken })).status).toBe(404);
    expect((await api('/v1/activities/not-a-uuid/email-body', { token: rep.accessToken })).status).toBe(400);

    expect((await settings({ store_bodies: false })).body).toMatchObject({ store_bodies: false });
    expect((await api(`/v1/activities/${demo.id}/email-body`, { token: rep.accessToken })).status).toBe(404);
  });

  it('answer 401 without a token, 400 to bad input, 403 to a bad push token, 404 when nothing is connected, and keep tenants apart', async () => {
    const tenant = await newTenant('GmailErrors');
    expect((await api('/v1/integrations/gmail')).status).toBe(401);
    expect((await api('/v1/integrations/gmail/connect', { body: { code: 'x', state: 'y' } })).status).toBe(401);
    const bad = await api('/v1/integrations/gmail/connect', { token: tenant.accessToken, body: { code: 'x', state: 'short' } });
    expect(bad.status).toBe(400);
    expect((await api('/v1/integrations/gmail/connect', { token: tenant.accessToken, body: { code: 'x', state: 'A'.repeat(43), extra: 1 } })).status).toBe(400);
    const unknownState = await api<{ error: string }>('/v1/integrations/gmail/connect', { token: tenant.accessToken, body: { code: 'x', state: 'A'.repeat(43) } });
    expect(unknownState).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect((await api('/v1/integrations/gmail', { token: tenant.accessToken, method: 'DELETE' })).status).toBe(404);
    expect((await connection(tenant.accessToken)).status).toBe('not_connected');

    const token = String(gmail().pushToken);
    const push = (query: string, body: unknown) => api(`/webhooks/gmail${query}`, { body });
    const note = { message: { data: Buffer.from(JSON.stringify({ emailAddress: ALICE, historyId: 1 })).toString('base64'), messageId: '1' } };
    expect((await push('', note)).status).toBe(403);
    expect((await push('?token=wrong', note)).status).toBe(403);
    expect((await push(`?token=${token}`, { message: { data: 'not base64 json' } })).status).toBe(400);
    expect((await push(`?token=${token}`, note)).status).toBe(204);
  });
});
