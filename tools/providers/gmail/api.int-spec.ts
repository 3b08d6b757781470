// The Gmail API paths a mailbox sync calls, through the real @googleapis/gmail client pointed at
// the stand-in with `rootUrl`: profile, list with q and pages, get in each format, history.
import type { gmail_v1 } from '@googleapis/gmail';
import { startGmailStandIn, type GmailStandIn } from './index';
import { connect, control } from './test-kit';

const header = (message: gmail_v1.Schema$Message, name: string): string | undefined =>
  message.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? undefined;

describe('Gmail stand-in API through @googleapis/gmail', () => {
  let standIn: GmailStandIn;
  let alice: gmail_v1.Gmail;
  let bob: gmail_v1.Gmail;

  beforeAll(async () => {
    standIn = await startGmailStandIn({ port: 0 });
    alice = (await connect(standIn, 'alice@engage.test')).gmail;
    bob = (await connect(standIn, 'bob@engage.test')).gmail;
  });
  afterAll(() => standIn.stop());

  async function listAll(gmail: gmail_v1.Gmail, params: gmail_v1.Params$Resource$Users$Messages$List): Promise<gmail_v1.Schema$Message[]> {
    const all: gmail_v1.Schema$Message[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await gmail.users.messages.list({ userId: 'me', ...params, pageToken });
      all.push(...(data.messages ?? []));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return all;
  }

  it('gives the profile with the address and the current history id', async () => {
    const { data } = await alice.users.getProfile({ userId: 'me' });
    expect(data.emailAddress).toBe('alice@engage.test');
    expect(Number(data.historyId)).toBeGreaterThan(1000);
    expect(data.messagesTotal).toBe(7);
    const other = await alice.users.getProfile({ userId: 'bob@engage.test' }).catch((e: { status?: number }) => e);
    expect(other).toMatchObject({ status: 403 });
  });

  it('lists newest first, filtered by newer_than and after:, in pages of maxResults', async () => {
    const recent = await listAll(alice, { q: 'newer_than:30d' });
    const everything = await listAll(alice, {});
    expect(everything).toHaveLength(7);
    expect(recent).toHaveLength(6); // the 45-day-old kickoff notes are left out
    const page = await alice.users.messages.list({ userId: 'me', q: 'newer_than:30d', maxResults: 4 });
    expect(page.data.messages).toHaveLength(4);
    expect(page.data.nextPageToken).toEqual(expect.any(String));
    expect(page.data.resultSizeEstimate).toBe(6);
    expect(await listAll(alice, { q: 'newer_than:30d', maxResults: 4 })).toEqual(recent);
    const dates = await Promise.all(recent.map(async (m) => Number((await alice.users.messages.get({ userId: 'me', id: m.id!, format: 'minimal' })).data.internalDate)));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    const afterSeconds = Math.floor((Date.now() - 40 * 60 * 60 * 1000) / 1000);
    expect(await listAll(alice, { q: `after:${afterSeconds}` })).toHaveLength(4);
    expect(await listAll(alice, { q: 'from:dana@customer.test' })).toHaveLength(3);
    const bad = await alice.users.messages.list({ userId: 'me', pageToken: 'not-a-token' }).catch((e: { status?: number }) => e);
    expect(bad).toMatchObject({ status: 400 });
  });

  it('gets a message in full with headers, snippet, labels and base64url part bodies', async () => {
    const [id] = (await listAll(alice, { q: 'rfc822msgid:renewal-1@customer.test' })).map((m) => m.id!);
    const { data } = await alice.users.messages.get({ userId: 'me', id, format: 'full' });
    expect(data).toMatchObject({ id, labelIds: ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'], snippet: expect.stringContaining('we&#39;d like to renew') });
    expect(data.threadId).toBe(id);
    expect(Number(data.internalDate)).toBeLessThan(Date.now() - 71 * 3600 * 1000);
    expect(header(data, 'From')).toBe('Dana Diaz <dana@customer.test>');
    expect(header(data, 'To')).toBe('Alice Rep <alice@engage.test>');
    expect(header(data, 'Cc')).toBe('Bob Rep <bob@engage.test>');
    expect(header(data, 'Subject')).toBe('Renewal for 2026');
    expect(header(data, 'Message-ID')).toBe('<renewal-1@customer.test>');
    expect(new Date(header(data, 'Date')!).getTime()).toBe(Math.floor(Number(data.internalDate) / 1000) * 1000);
    expect(data.payload?.mimeType).toBe('multipart/alternative');
    const [plain, html] = data.payload!.parts!;
    expect(plain.mimeType).toBe('text/plain');
    expect(Buffer.from(plain.body!.data!, 'base64url').toString('utf8')).toContain('renew for 40 seats');
    expect(Buffer.from(html.body!.data!, 'base64url').toString('utf8')).toContain('<b>40 seats</b>');
    expect(plain.body!.data).not.toMatch(/[+/=]/);

    const metadata = await alice.users.messages.get({ userId: 'me', id, format: 'metadata', metadataHeaders: ['From', 'Subject'] });
    expect(metadata.data.payload?.headers?.map((h) => h.name)).toEqual(['Subject', 'From']);
    expect(metadata.data.payload?.parts).toBeUndefined();
    const raw = await alice.users.messages.get({ userId: 'me', id, format: 'raw' });
    expect(Buffer.from(raw.data.raw!, 'base64url').toString('utf8')).toContain('Message-ID: <renewal-1@customer.test>');
    const missing = await alice.users.messages.get({ userId: 'me', id: '0000000000000000' }).catch((e: { status?: number }) => e);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('threads replies in each mailbox and keeps the awkward messages (no subject, no Message-ID, non-ASCII)', async () => {
    const thread = await listAll(alice, { q: 'renewal' });
    expect(new Set(thread.map((m) => m.threadId)).size).toBe(1);
    const reply = (await alice.users.messages.get({ userId: 'me', id: thread[0].id! })).data;
    expect(header(reply, 'In-Reply-To')).toBe('<renewal-2@engage.test>');
    expect(header(reply, 'References')).toBe('<renewal-1@customer.test> <renewal-2@engage.test>');
    const sent = (await listAll(alice, { q: 'in:sent' }))[0];
    expect((await alice.users.messages.get({ userId: 'me', id: sent.id! })).data.labelIds).toEqual(['SENT']);

    const noSubject = (await listAll(alice, { q: 'from:noreply@tool.test' }))[0];
    expect(header((await alice.users.messages.get({ userId: 'me', id: noSubject.id! })).data, 'Subject')).toBeUndefined();
    const noId = (await listAll(alice, { q: 'from:legacy@oldsystem.test' }))[0];
    expect(header((await alice.users.messages.get({ userId: 'me', id: noId.id! })).data, 'Message-ID')).toBeUndefined();
    const german = (await listAll(alice, { q: 'from:gina@kunde.test' }))[0];
    const full = (await alice.users.messages.get({ userId: 'me', id: german.id! })).data;
    expect(header(full, 'Subject')).toBe('Überweisung für Café ☕ — Rechnung 42');
    const raw = (await alice.users.messages.get({ userId: 'me', id: german.id!, format: 'raw' })).data.raw!;
    expect(Buffer.from(raw, 'base64url').toString('utf8')).toContain('Subject: =?UTF-8?B?');
  });

  it('holds the same RFC Message-ID in two mailboxes under different Gmail ids (cross-mailbox dedup fixture)', async () => {
    const inAlice = await listAll(alice, { q: 'rfc822msgid:<renewal-1@customer.test>' });
    const inBob = await listAll(bob, { q: 'rfc822msgid:<renewal-1@customer.test>' });
    expect(inAlice).toHaveLength(1);
    expect(inBob).toHaveLength(1);
    expect(inBob[0].id).not.toBe(inAlice[0].id);
    const bobsCopy = (await bob.users.messages.get({ userId: 'me', id: inBob[0].id! })).data;
    expect(header(bobsCopy, 'Message-ID')).toBe('<renewal-1@customer.test>');
    expect(header(bobsCopy, 'Delivered-To')).toBe('bob@engage.test');
    // Bob was on the first two messages of the thread, not on Dana's last reply to Alice.
    expect(await listAll(bob, { q: 'renewal' })).toHaveLength(2);
  });

  it('lists history after a start id: live messages as messagesAdded, in pages, and 404 once expired', async () => {
    const start = (await bob.users.getProfile({ userId: 'me' })).data.historyId!;
    const empty = await bob.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['messageAdded'] });
    expect(empty.data).toEqual({ historyId: start });

    const added = await control<{ delivered: { mailbox: string; id: string }[] }>(standIn, '/deliver', {
      messages: [1, 2, 3].map((n) => ({ from: 'Frank Fox <frank@prospect.test>', to: ['bob@engage.test'], subject: `Follow-up ${n}`, text: `Note ${n}` })),
    });
    const ids = added.delivered.map((d) => d.id);
    const first = await bob.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['messageAdded'], maxResults: 2 });
    expect(first.data.history).toHaveLength(2);
    expect(first.data.nextPageToken).toEqual(expect.any(String));
    const second = await bob.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['messageAdded'], pageToken: first.data.nextPageToken! });
    const records = [...first.data.history!, ...second.data.history!];
    expect(records.map((r) => r.messagesAdded![0].message!.id)).toEqual(ids);
    expect(records[0].messagesAdded![0].message).toMatchObject({ threadId: ids[0], labelIds: ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'] });
    const ascending = records.map((r) => Number(r.id));
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect(second.data.historyId).toBe((await bob.users.getProfile({ userId: 'me' })).data.historyId);
    const fromMiddle = await bob.users.history.list({ userId: 'me', startHistoryId: records[1].id! });
    expect(fromMiddle.data.history?.map((r) => r.messagesAdded![0].message!.id)).toEqual([ids[2]]);

    await control(standIn, '/mailboxes/bob@engage.test/history/expire', {});
    const expired = await bob.users.history.list({ userId: 'me', startHistoryId: start }).catch((e: { status?: number }) => e);
    expect(expired).toMatchObject({ status: 404 });
    const current = (await bob.users.getProfile({ userId: 'me' })).data.historyId!;
    expect((await bob.users.history.list({ userId: 'me', startHistoryId: current })).data.history).toBeUndefined();
  });

  it('refuses a token without a mail scope with 403 and a missing token with 401', async () => {
    const profileOnly = await connect(standIn, 'erin@other.test', ['openid', 'email']);
    const refused = await profileOnly.gmail.users.getProfile({ userId: 'me' }).catch((e: { status?: number }) => e);
    expect(refused).toMatchObject({ status: 403 });
    const anonymous = await fetch(`${standIn.url}/gmail/v1/users/me/profile`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
  });
});
