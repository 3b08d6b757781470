import { Events, type GmailConnectionChangedEvent } from '@engage/contracts';
import { createLogger } from '@engage/logging';
import { deliverEvent } from '@engage/testing/kit';
import { SCHEMA } from '../database/definition';
import { envelopeOf, type NotificationKit, startNotificationKit } from '../test-support/notification-test-kit';

/** `evt.activity.gmail.connection_changed`: a user whose Gmail lost Google's consent is told to connect it again. */
describe('gmail reconsent notifications', () => {
  let kit: NotificationKit;
  beforeAll(async () => {
    kit = await startNotificationKit();
  });
  afterAll(() => kit.close());

  const entries = async (ctx: Parameters<NotificationKit['streams']['read']>[0]) => (await kit.streams.read(ctx, { after: 0 })).entries;
  const changed = (tenantId: string, userId: string, change: GmailConnectionChangedEvent['change'], reason: string | null = null) =>
    envelopeOf(Events.activity.gmailConnectionChanged, tenantId, { user_id: userId, email_address: 'ada@work.example', change, reason });

  it('tells the user whose mailbox needs reconsent, once however often the event is delivered, in their inbox and stream', async () => {
    const user = kit.newTenant('rep');
    const colleague = kit.as(user, 'rep');
    const event = changed(user.tenantId, user.userId as string, 'needs_reconsent', 'invalid_grant');
    expect(await kit.deliver(kit.sources, kit.sources.onGmailConnectionChanged, event)).toBe('applied');
    expect(await kit.deliver(kit.sources, kit.sources.onGmailConnectionChanged, event)).toBe('duplicate');
    // A consumer whose inbox has forgotten the event (a replay past its retention): still one notification.
    const logger = createLogger({ service: 'notification-int-spec', level: 'silent', sync: true });
    const replayed = await deliverEvent({ db: kit.db, schema: SCHEMA, logger }, kit.sources, kit.sources.onGmailConnectionChanged, event, 'notification-gmail-connections-replay');
    expect(replayed).toBe('applied');

    const inbox = await kit.inbox.list(user, {});
    expect(inbox.data).toHaveLength(1);
    expect(inbox.data[0]).toMatchObject({ kind: 'gmail_reconsent', read_at: null, data: { email_address: 'ada@work.example', reason: 'invalid_grant' } });
    expect(inbox.data[0].title).toContain('ada@work.example');
    expect(inbox.data[0].body).not.toBe('');
    expect(await entries(user)).toEqual([{ type: 'notification', seq: 1, data: inbox.data[0] }]);
    expect(await kit.inbox.unreadCount(user)).toEqual({ unread: 1 });
    expect((await kit.inbox.list(colleague, {})).data).toEqual([]);
    expect(await entries(colleague)).toEqual([]);
    // In-app only by default: nothing mailed.
    expect(kit.mailer.sent.filter((m) => m.to === kit.directory.users.get(user.userId as string)?.view.email)).toEqual([]);
  });

  it('says nothing when a mailbox is connected or disconnected', async () => {
    const user = kit.newTenant('rep');
    for (const change of ['connected', 'disconnected'] as const) {
      expect(await kit.deliver(kit.sources, kit.sources.onGmailConnectionChanged, changed(user.tenantId, user.userId as string, change))).toBe('applied');
    }
    expect((await kit.inbox.list(user, {})).data).toEqual([]);
    expect(await entries(user)).toEqual([]);
    expect(await kit.inbox.unreadCount(user)).toEqual({ unread: 0 });
  });

  it('follows the user’s preference for the kind: in-app off keeps it out of inbox and stream', async () => {
    const user = kit.newTenant('rep');
    const other = kit.as(user, 'rep');
    expect((await kit.inbox.preferences(user)).data).toContainEqual({ kind: 'gmail_reconsent', in_app: true, email: false });
    const updated = await kit.inbox.updatePreferences(user, { preferences: [{ kind: 'gmail_reconsent', in_app: false, email: false }] });
    expect(updated.data).toContainEqual({ kind: 'gmail_reconsent', in_app: false, email: false });
    expect(await kit.deliver(kit.sources, kit.sources.onGmailConnectionChanged, changed(user.tenantId, user.userId as string, 'needs_reconsent', 'invalid_grant'))).toBe(
      'applied',
    );
    expect((await kit.inbox.list(user, {})).data).toEqual([]);
    expect(await entries(user)).toEqual([]);
    expect(kit.mailer.sent.filter((m) => m.to === kit.directory.users.get(user.userId as string)?.view.email)).toEqual([]);
    // Preferences are per user: a colleague with the default still gets theirs.
    await kit.deliver(kit.sources, kit.sources.onGmailConnectionChanged, changed(other.tenantId, other.userId as string, 'needs_reconsent', 'invalid_grant'));
    expect((await kit.inbox.list(other, {})).data.map((n) => n.kind)).toEqual(['gmail_reconsent']);
  });
});
