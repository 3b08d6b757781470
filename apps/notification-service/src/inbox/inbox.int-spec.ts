import { randomUUID } from 'node:crypto';
import { type ActivityView, type ContactView, type DealView, Events } from '@engage/contracts';
import { domainError } from '@engage/testing/kit';
import { envelopeOf, type NotificationKit, startNotificationKit } from '../test-support/notification-test-kit';

/** Where notifications and stream entries come from, and who gets them: the right user only. */
describe('notification sources, inbox and preferences', () => {
  let kit: NotificationKit;
  beforeAll(async () => {
    kit = await startNotificationKit();
  });
  afterAll(() => kit.close());

  const entries = async (ctx: Parameters<NotificationKit['streams']['read']>[0]) => (await kit.streams.read(ctx, { after: 0 })).entries;
  const mention = (tenantId: string, mentioned: string, author: string) =>
    envelopeOf(Events.activity.mentionCreated, tenantId, {
      activity_id: randomUUID(),
      activity_type: 'note',
      mentioned_user_id: mentioned,
      author_id: author,
      contact_id: null,
      deal_id: null,
      company_id: null,
      subject: 'Pricing',
      excerpt: 'Can you call <b>them</b>?',
    });

  it('gives a mention to the mentioned user only, once however often it is delivered, in their inbox and stream', async () => {
    const author = kit.newTenant('rep');
    const mentioned = kit.as(author, 'rep');
    const event = mention(author.tenantId, mentioned.userId as string, author.userId as string);
    expect(await kit.deliver(kit.sources, kit.sources.onMention, event)).toBe('applied');
    expect(await kit.deliver(kit.sources, kit.sources.onMention, event)).toBe('duplicate');
    const inbox = await kit.inbox.list(mentioned, {});
    expect(inbox.data).toHaveLength(1);
    expect(inbox.data[0]).toMatchObject({ kind: 'mention', body: 'Can you call <b>them</b>?', read_at: null, data: { activity_id: event.payload.activity_id } });
    expect(await entries(mentioned)).toEqual([{ type: 'notification', seq: 1, data: inbox.data[0] }]);
    expect((await kit.inbox.list(author, {})).data).toEqual([]);
    expect(await entries(author)).toEqual([]);
    expect(await kit.inbox.unreadCount(mentioned)).toEqual({ unread: 1 });
  });

  it('lists newest first with a cursor and an unread filter, marks read, read-all, and hides other users’ notifications', async () => {
    const ctx = kit.newTenant('rep');
    const other = kit.as(ctx, 'rep');
    for (let i = 0; i < 3; i++) await kit.deliver(kit.sources, kit.sources.onMention, mention(ctx.tenantId, ctx.userId as string, other.userId as string));
    const first = await kit.inbox.list(ctx, { limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.page.has_more).toBe(true);
    const second = await kit.inbox.list(ctx, { limit: 2, cursor: first.page.next_cursor as string });
    expect(second.data).toHaveLength(1);
    expect(new Set([...first.data, ...second.data].map((n) => n.id)).size).toBe(3);

    const read = await kit.inbox.markRead(ctx, first.data[0].id);
    expect(read.read_at).not.toBeNull();
    expect((await kit.inbox.markRead(ctx, first.data[0].id)).read_at).toBe(read.read_at);
    expect((await kit.inbox.list(ctx, { unread: true })).data.map((n) => n.id)).not.toContain(first.data[0].id);
    expect(await kit.inbox.unreadCount(ctx)).toEqual({ unread: 2 });

    // Another user (or another tenant) asking about it: not found.
    expect((await domainError(kit.inbox.markRead(other, first.data[1].id))).status).toBe(404);
    expect((await domainError(kit.inbox.markRead(kit.newTenant('admin'), first.data[1].id))).status).toBe(404);
    expect((await domainError(kit.inbox.list(ctx, { cursor: 'garbage!' }))).status).toBe(400);

    expect(await kit.inbox.readAll(ctx)).toEqual({ updated: 2 });
    expect(await kit.inbox.unreadCount(ctx)).toEqual({ unread: 0 });
  });

  it('follows preferences: in-app off keeps a kind out of inbox and stream, email on mails it', async () => {
    const ctx = kit.newTenant('rep');
    const author = kit.as(ctx, 'rep');
    expect((await kit.inbox.preferences(ctx)).data).toContainEqual({ kind: 'mention', in_app: true, email: false });
    const updated = await kit.inbox.updatePreferences(ctx, { preferences: [{ kind: 'mention', in_app: false, email: true }] });
    expect(updated.data).toContainEqual({ kind: 'mention', in_app: false, email: true });
    expect(updated.data).toContainEqual({ kind: 'assignment', in_app: true, email: false });
    await kit.deliver(kit.sources, kit.sources.onMention, mention(ctx.tenantId, ctx.userId as string, author.userId as string));
    expect((await kit.inbox.list(ctx, {})).data).toEqual([]);
    expect(await entries(ctx)).toEqual([]);
    const address = kit.directory.users.get(ctx.userId as string)?.view.email;
    const mailed = kit.mailer.sent.filter((m) => m.to === address);
    expect(mailed).toHaveLength(1);
    expect(mailed[0].email.subject).toContain('You were mentioned');
    expect(mailed[0].email.html).toContain('Can you call &lt;b&gt;them&lt;/b&gt;?');
    expect(mailed[0].email.text).toContain('Can you call <b>them</b>?');
    // Preferences are per user.
    expect((await kit.inbox.preferences(author)).data).toContainEqual({ kind: 'mention', in_app: true, email: false });
  });

  it('puts a call update in the stream of the user who placed it only', async () => {
    const owner = kit.newTenant('rep');
    const colleague = kit.as(owner, 'rep');
    const call = { id: randomUUID(), owner_id: owner.userId, status: 'in_progress', contact_id: randomUUID() };
    await kit.deliver(kit.realtime, kit.realtime.onCallUpdated, envelopeOf(Events.telephony.callUpdated, owner.tenantId, { call: call as never, previous_status: 'ringing' }));
    expect(await entries(owner)).toEqual([{ type: 'call.updated', seq: 1, data: { ...call, previous_status: 'ringing' } }]);
    expect(await entries(colleague)).toEqual([]);
  });

  it('puts import progress in the importer’s stream and notifies them when it finishes', async () => {
    const importer = kit.newTenant('manager');
    const other = kit.as(importer, 'rep');
    const importId = randomUUID();
    const progress = (status: 'processing' | 'completed', version: number) =>
      envelopeOf(
        Events.crm.importProgress,
        importer.tenantId,
        { import_id: importId, status, processed: 10 * version, created: 5, updated: 1, skipped: 2, failed: 0, user_id: importer.userId },
        { aggregate_id: importId, version },
      );
    await kit.deliver(kit.realtime, kit.realtime.onImportProgress, progress('processing', 1));
    await kit.deliver(kit.realtime, kit.realtime.onImportProgress, progress('completed', 3));
    // A late progress report older than the completion changes nothing.
    expect(await kit.deliver(kit.realtime, kit.realtime.onImportProgress, progress('processing', 2))).toBe('stale');
    const stream = await entries(importer);
    expect(stream.map((e) => [e.seq, e.type])).toEqual([
      [1, 'import.progress'],
      [2, 'import.progress'],
      [3, 'notification'],
    ]);
    expect(stream[2].data).toMatchObject({ kind: 'import_completed', data: { import_id: importId, created: 5 } });
    expect(await entries(other)).toEqual([]);
  });

  it('notifies a contact’s or deal’s new owner when someone else gives it to them, not when they take it themselves', async () => {
    const manager = kit.newTenant('manager');
    const rep = kit.as(manager, 'rep');
    const contact = { id: randomUUID(), first_name: 'Grace', last_name: 'Hopper', emails: [], owner_id: rep.userId } as unknown as ContactView;
    await kit.deliver(kit.sources, kit.sources.onContactCreated, envelopeOf(Events.crm.contactCreated, manager.tenantId, { contact }, { actor_id: manager.userId, aggregate_id: contact.id }));
    const own = { id: randomUUID(), first_name: 'Mine', last_name: null, emails: [], owner_id: rep.userId } as unknown as ContactView;
    await kit.deliver(kit.sources, kit.sources.onContactCreated, envelopeOf(Events.crm.contactCreated, manager.tenantId, { contact: own }, { actor_id: rep.userId, aggregate_id: own.id }));
    const deal = { id: randomUUID(), name: 'Big one', owner_id: manager.userId } as unknown as DealView;
    await kit.deliver(kit.sources, kit.sources.onDealCreated, envelopeOf(Events.crm.dealCreated, manager.tenantId, { deal }, { actor_id: manager.userId, aggregate_id: deal.id }));
    await kit.deliver(
      kit.sources,
      kit.sources.onDealUpdated,
      envelopeOf(Events.crm.dealUpdated, manager.tenantId, { deal: { ...deal, owner_id: rep.userId } as DealView, changed: ['owner_id'] }, { actor_id: manager.userId, aggregate_id: deal.id, version: 2 }),
    );
    const titles = (await kit.inbox.list(rep, {})).data.map((n) => n.title).sort();
    expect(titles).toEqual(['Contact assigned to you: Grace Hopper', 'Deal assigned to you: Big one']);
    expect((await kit.inbox.list(manager, {})).data).toEqual([]);

    // The owners projected from those events decide whose stream an activity enters.
    const activity = { id: randomUUID(), type: 'note', contact_id: contact.id, deal_id: deal.id, assignee_id: null, actor_id: manager.userId } as unknown as ActivityView;
    await kit.deliver(kit.realtime, kit.realtime.onActivityCreated, envelopeOf(Events.activity.activityCreated, manager.tenantId, { activity }));
    expect((await entries(rep)).filter((e) => e.type === 'activity.created').map((e) => e.data)).toEqual([activity]);
    expect((await entries(manager)).filter((e) => e.type === 'activity.created')).toEqual([]);
  });

  it('broadcasts to every active user of the tenant (admins only), once each', async () => {
    const admin = kit.newTenant('admin');
    const reps = [kit.as(admin, 'rep'), kit.as(admin, 'rep'), kit.as(admin, 'manager')];
    const gone = kit.as(admin, 'rep');
    const directoryEntry = kit.directory.users.get(gone.userId as string);
    if (directoryEntry) directoryEntry.view.is_active = false;
    const outsider = kit.newTenant('admin');
    const broadcast = await kit.broadcasts.create(admin, { title: 'Office closed Friday', body: 'Enjoy the long weekend.' });
    expect(broadcast).toMatchObject({ title: 'Office closed Friday', recipients: 4 });
    for (const ctx of [admin, ...reps]) {
      const got = (await kit.inbox.list(ctx, {})).data;
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ kind: 'broadcast', title: 'Office closed Friday', data: { broadcast_id: broadcast.id } });
    }
    expect((await kit.inbox.list(gone, {})).data).toEqual([]);
    expect((await kit.inbox.list(outsider, {})).data).toEqual([]);
    expect((await domainError(kit.broadcasts.create(reps[2], { title: 'x', body: 'y' }))).status).toBe(403);
    expect((await domainError(kit.broadcasts.create(reps[0], { title: 'x', body: 'y' }))).status).toBe(403);
  });
});
