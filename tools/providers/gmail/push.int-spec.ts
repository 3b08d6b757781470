// Gmail's watch and the Pub/Sub-style pushes it causes, received by a real HTTP endpoint that
// checks the push token as POST /webhooks/gmail will; plus the volume mailbox of the sync benchmark.
import type { gmail_v1 } from '@googleapis/gmail';
import { GMAIL_STAND_IN_PUSH_TOKEN, GMAIL_STAND_IN_SUBSCRIPTION, startGmailStandIn, type GmailStandIn, type PushAttempt } from './index';
import { connect, control, pushData, PushReceiver } from './test-kit';

const TOPIC = 'projects/engage-dev/topics/gmail';

describe('Gmail stand-in watch and pushes', () => {
  let standIn: GmailStandIn;
  let receiver: PushReceiver;
  let alice: gmail_v1.Gmail;

  beforeAll(async () => {
    receiver = await new PushReceiver(GMAIL_STAND_IN_PUSH_TOKEN).start();
    standIn = await startGmailStandIn({ port: 0, pushUrl: receiver.url, pushRetry: { attempts: 3, delayMs: 100 } });
    alice = (await connect(standIn, 'alice@engage.test')).gmail;
  });
  beforeEach(async () => {
    await alice.users.stop({ userId: 'me' });
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await standIn.stop();
    await receiver.stop();
  });

  const newMail = (subject: string) => ({ from: 'Dana Diaz <dana@customer.test>', to: ['alice@engage.test'], subject, text: `${subject}, sent live.` });

  it('answers watch with the history id and a seven-day expiration, and refuses a malformed topic', async () => {
    const before = Date.now();
    const { data } = await alice.users.watch({ userId: 'me', requestBody: { topicName: TOPIC, labelIds: ['INBOX'] } });
    expect(data.historyId).toBe((await alice.users.getProfile({ userId: 'me' })).data.historyId);
    expect(Number(data.expiration)).toBeGreaterThanOrEqual(before + 7 * 24 * 3600 * 1000);
    const bad = await alice.users.watch({ userId: 'me', requestBody: { topicName: 'gmail-topic' } }).catch((e: { status?: number }) => e);
    expect(bad).toMatchObject({ status: 400 });
  });

  it('pushes {emailAddress, historyId} with the token when mail arrives, and history.list finds the message', async () => {
    const { data: watch } = await alice.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    const result = await control<{ delivered: { id: string }[]; pushes: PushAttempt[] }>(standIn, '/mailboxes/alice@engage.test/messages', newMail('Contract signed'));
    expect(result.pushes).toHaveLength(1);
    expect(result.pushes[0].status).toBe(204);
    const [push] = await receiver.waitFor(1);
    expect(push.token).toBe(GMAIL_STAND_IN_PUSH_TOKEN);
    const body = JSON.parse(push.body) as { message: Record<string, unknown>; subscription: string };
    expect(body.subscription).toBe(GMAIL_STAND_IN_SUBSCRIPTION);
    expect(body.message).toMatchObject({ messageId: expect.stringMatching(/^\d+$/), publishTime: expect.any(String) });
    const data = pushData(push.body);
    expect(data.emailAddress).toBe('alice@engage.test');
    expect(data.historyId).toBeGreaterThan(Number(watch.historyId));

    const history = await alice.users.history.list({ userId: 'me', startHistoryId: watch.historyId!, historyTypes: ['messageAdded'] });
    expect(history.data.history?.flatMap((r) => r.messagesAdded!.map((a) => a.message!.id))).toEqual([result.delivered[0].id]);
    expect(history.data.historyId).toBe(String(data.historyId));
  });

  it('sends nothing after stop, nothing once the watch expired, and only for watched labels', async () => {
    await alice.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    await alice.users.stop({ userId: 'me' });
    expect((await control<{ pushes: unknown[] }>(standIn, '/mailboxes/alice@engage.test/messages', newMail('After stop'))).pushes).toEqual([]);

    await alice.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    await control(standIn, '/mailboxes/alice@engage.test/watch/expire', {});
    expect((await control<{ pushes: unknown[] }>(standIn, '/mailboxes/alice@engage.test/messages', newMail('After expiry'))).pushes).toEqual([]);

    await alice.users.watch({ userId: 'me', requestBody: { topicName: TOPIC, labelIds: ['SENT'], labelFilterBehavior: 'include' } });
    expect((await control<{ pushes: unknown[] }>(standIn, '/mailboxes/alice@engage.test/messages', newMail('Inbox only'))).pushes).toEqual([]);
    const sent = await control<{ pushes: unknown[] }>(standIn, '/mailboxes/alice@engage.test/messages', { from: 'alice@engage.test', to: ['dana@customer.test'], subject: 'Sent by Alice' });
    expect(sent.pushes).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a push the endpoint refuses, as Pub/Sub does, and lists every attempt', async () => {
    await alice.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    await control(standIn, '/push-url', { url: receiver.url, token: 'a-token-the-endpoint-refuses' });
    try {
      await control(standIn, '/mailboxes/alice@engage.test/messages', newMail('Refused push'));
      await receiver.waitFor(3);
      expect(receiver.received.map((r) => r.token)).toEqual(Array(3).fill('a-token-the-endpoint-refuses'));
      const { pushes } = await control<{ pushes: PushAttempt[] }>(standIn, '/pushes');
      const refused = pushes.filter((p) => p.url.includes('a-token-the-endpoint-refuses'));
      expect(refused.map((p) => [p.attempt, p.status])).toEqual([
        [1, 403],
        [2, 403],
        [3, 403],
      ]);
    } finally {
      await control(standIn, '/push-url', { url: receiver.url, token: GMAIL_STAND_IN_PUSH_TOKEN });
    }
  });

  it('sends a scripted push without a token or with a malformed body', async () => {
    const noToken = await control<PushAttempt>(standIn, '/push', { email: 'alice@engage.test', historyId: 1, token: null });
    expect(noToken.status).toBe(403);
    const malformed = await control<PushAttempt>(standIn, '/push', { body: '{"message": 42' });
    expect(malformed.status).toBe(204);
    // The refused push is retried like any other: wait for all its attempts so none reach the next test.
    await receiver.waitFor(4);
    expect(receiver.received.filter((r) => r.token === null)).toHaveLength(3);
    expect(receiver.received.find((r) => r.body === '{"message": 42')?.token).toBe(GMAIL_STAND_IN_PUSH_TOKEN);
  });

  it('pushes once per mailbox when a message to two watched mailboxes arrives, same Message-ID in both', async () => {
    const bob = (await connect(standIn, 'bob@engage.test')).gmail;
    await alice.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    await bob.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    const result = await control<{ delivered: { mailbox: string; messageId: string }[] }>(standIn, '/deliver', {
      from: 'Dana Diaz <dana@customer.test>',
      to: ['alice@engage.test', 'bob@engage.test'],
      subject: 'To both reps',
      messageId: '<both-reps@customer.test>',
    });
    expect(result.delivered.map((d) => [d.mailbox, d.messageId])).toEqual([
      ['alice@engage.test', '<both-reps@customer.test>'],
      ['bob@engage.test', '<both-reps@customer.test>'],
    ]);
    const pushes = await receiver.waitFor(2);
    expect(pushes.map((p) => pushData(p.body).emailAddress).sort()).toEqual(['alice@engage.test', 'bob@engage.test']);
    await bob.users.stop({ userId: 'me' });
  });

  it('generates a 10,000-message mailbox that lists completely, none missing or doubled', async () => {
    await control(standIn, '/mailboxes/erin@other.test/generate', { count: 10_000, days: 30, threadSize: 4, prefix: 'bulk' });
    const erin = (await connect(standIn, 'erin@other.test')).gmail;
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await erin.users.messages.list({ userId: 'me', q: 'newer_than:30d', maxResults: 500, pageToken });
      ids.push(...(data.messages ?? []).map((m) => m.id!));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(ids).toHaveLength(10_000 + 1); // plus Hank's pricing question from the default fixture
    expect(new Set(ids).size).toBe(ids.length);
    const { messages } = await control<{ messages: { messageId: string }[] }>(standIn, '/mailboxes/erin@other.test');
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(10_001);
  });
});
