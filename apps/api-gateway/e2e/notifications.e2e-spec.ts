import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { api, e2eStack, linkToken, newTenant, newUser, nthMailTo, type TenantSession } from '@engage/testing';

/** The notification inbox, preferences, broadcasts and the password-reset email (issue 18, items 2–6). */
jest.setTimeout(90_000);

type Notification = { id: string; kind: string; title: string; body: string; data: Record<string, unknown>; read_at: string | null };
type Page<T> = { data: T[]; page: { next_cursor: string | null; has_more: boolean } };
type Session = { id: string; accessToken: string };

/** Waits until `check` passes (events travel through JetStream to notification-service). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const inbox = (session: { accessToken: string }, query = '') => api<Page<Notification>>(`/v1/notifications${query}`, { token: session.accessToken });

describe('notifications', () => {
  let tenant: TenantSession;
  let rep: Session;
  let colleague: Session;

  beforeAll(async () => {
    tenant = await newTenant('Notify');
    rep = await newUser(tenant, 'rep');
    colleague = await newUser(tenant, 'rep');
  });

  it('puts a mention in the mentioned user’s inbox only; unread count, read and read-all', async () => {
    const contact = await api<{ id: string }>('/v1/contacts', { token: tenant.accessToken, body: { first_name: 'Pat', last_name: randomUUID() } });
    expect(contact.status).toBe(201);
    const note = await api<{ id: string }>('/v1/activities', { token: tenant.accessToken, body: { type: 'note', contact_id: contact.body.id, subject: 'Contract', body: `<@${rep.id}> please send the contract` } });
    expect(note.status).toBe(201);
    await api('/v1/activities', { token: tenant.accessToken, body: { type: 'note', contact_id: contact.body.id, body: `And <@${rep.id}> call them tomorrow` } });

    const got = await eventually(() => inbox(rep), (r) => r.body.data?.length === 2);
    expect(got.status).toBe(200);
    expect(got.body.data.every((n) => n.kind === 'mention' && n.read_at === null)).toBe(true);
    expect(got.body.data.map((n) => n.data.activity_id)).toContain(note.body.id);
    expect((await inbox(colleague)).body.data).toEqual([]);
    expect((await inbox(tenant)).body.data.filter((n) => n.kind === 'mention')).toEqual([]);

    expect((await api('/v1/notifications/unread-count', { token: rep.accessToken })).body).toEqual({ unread: 2 });
    const [first, second] = got.body.data;
    // Someone else's notification is not found, whoever asks.
    expect((await api(`/v1/notifications/${first.id}/read`, { token: colleague.accessToken, method: 'POST' })).status).toBe(404);
    expect((await api(`/v1/notifications/${first.id}/read`, { token: tenant.accessToken, method: 'POST' })).status).toBe(404);
    expect((await api('/v1/notifications/not-a-uuid/read', { token: rep.accessToken, method: 'POST' })).status).toBe(400);
    const read = await api<Notification>(`/v1/notifications/${first.id}/read`, { token: rep.accessToken, method: 'POST' });
    expect(read.status).toBe(200);
    expect(read.body.read_at).not.toBeNull();
    const unread = await inbox(rep, '?unread=true');
    expect(unread.body.data.map((n) => n.id)).toEqual([second.id]);
    expect((await inbox(rep, '?unread=maybe')).status).toBe(400);
    expect((await inbox(rep, '?limit=1')).body.page).toMatchObject({ has_more: true });
    expect((await inbox(rep, '?cursor=garbage!')).status).toBe(400);

    const all = await api('/v1/notifications/read-all', { token: rep.accessToken, method: 'POST' });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ updated: 1 });
    expect((await api('/v1/notifications/unread-count', { token: rep.accessToken })).body).toEqual({ unread: 0 });
    expect((await api('/v1/notifications')).status).toBe(401);
  });

  it('reads and sets the caller’s preferences, and refuses bad ones', async () => {
    const initial = await api<{ data: Array<{ kind: string; in_app: boolean; email: boolean }> }>('/v1/notification-preferences', { token: colleague.accessToken });
    expect(initial.status).toBe(200);
    expect(initial.body.data).toContainEqual({ kind: 'mention', in_app: true, email: false });
    const put = await api<{ data: unknown[] }>('/v1/notification-preferences', {
      token: colleague.accessToken,
      method: 'PUT',
      body: { preferences: [{ kind: 'assignment', in_app: true, email: true }] },
    });
    expect(put.status).toBe(200);
    expect(put.body.data).toContainEqual({ kind: 'assignment', in_app: true, email: true });
    expect((await api('/v1/notification-preferences', { token: rep.accessToken })).body.data).toContainEqual({ kind: 'assignment', in_app: true, email: false });
    for (const body of [
      { preferences: [{ kind: 'telepathy', in_app: true, email: true }] },
      { preferences: [{ kind: 'mention', in_app: 'yes', email: true }] },
      { preferences: [{ kind: 'mention', in_app: true, email: true }, { kind: 'mention', in_app: false, email: false }] },
      { preferences: [], extra: 1 },
    ]) {
      const res = await api('/v1/notification-preferences', { token: colleague.accessToken, method: 'PUT', body });
      expect(res.status).toBe(400);
    }
  });

  it('broadcasts to every active user of the tenant, admins only', async () => {
    const other = await newTenant('NotifyOther');
    expect((await api('/v1/broadcasts', { token: rep.accessToken, body: { title: 'Hi', body: 'All' } })).status).toBe(403);
    expect((await api('/v1/broadcasts', { token: tenant.accessToken, body: { title: ' ', body: 'All' } })).status).toBe(400);
    expect((await api('/v1/broadcasts', { token: tenant.accessToken, body: { title: 'Hi', body: 'All', urgent: true } })).status).toBe(400);
    const sent = await api<{ id: string; recipients: number }>('/v1/broadcasts', { token: tenant.accessToken, body: { title: 'Office closed Friday', body: 'Enjoy.' } });
    expect(sent.status).toBe(201);
    expect(sent.body.recipients).toBe(3);
    for (const session of [tenant, rep, colleague]) {
      const got = await inbox(session);
      expect(got.body.data.filter((n) => n.kind === 'broadcast').map((n) => n.data.broadcast_id)).toEqual([sent.body.id]);
    }
    expect((await inbox(other)).body.data).toEqual([]);
  });

  it('mails a password reset through the SMTP stand-in with a working token that is in no NATS event', async () => {
    const nc: NatsConnection = await connect({ servers: e2eStack.natsUrl() });
    const seen: string[] = [];
    const events = nc.subscribe('evt.>', { callback: (_err, msg) => seen.push(new TextDecoder().decode(msg.data)) });
    const user = await newUser(tenant, 'rep');
    const email = (await api<{ email: string }>('/v1/me', { token: user.accessToken })).body.email;
    expect((await api('/v1/auth/password-reset', { body: { tenant: tenant.slug, email } })).status).toBe(202);
    const mail = await nthMailTo(email, 1, 'Reset your Engage password');
    const token = linkToken(mail);
    expect(mail.html).toContain('reset-password?token=');
    await new Promise((r) => setTimeout(r, 500));
    events.unsubscribe();
    await nc.close();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((e) => e.includes(token))).toEqual([]);
    const confirmed = await api('/v1/auth/password-reset/confirm', { body: { token, new_password: 'a passphrase from the email 7' } });
    expect(confirmed.status).toBe(200);
  });
});
