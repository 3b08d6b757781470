// The SMTP stand-in receives what nodemailer sends over real SMTP, requires the development
// credentials, and hands the parsed messages to tests over its inbox HTTP API.
import nodemailer from 'nodemailer';
import { startSmtpStandIn, SMTP_STAND_IN_PASSWORD, SMTP_STAND_IN_USER, type CapturedMessage, type SmtpStandIn } from './index';

describe('SMTP stand-in', () => {
  let standIn: SmtpStandIn;

  const transport = (auth?: { user: string; pass: string }) =>
    nodemailer.createTransport({ host: standIn.host, port: standIn.port, secure: false, auth, connectionTimeout: 5000 });
  const inbox = async <T>(path: string, method = 'GET'): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${standIn.inboxUrl}${path}`, { method });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    standIn = await startSmtpStandIn({ port: 0, inboxPort: 0 });
  });
  beforeEach(() => inbox('/messages', 'DELETE'));
  afterAll(() => standIn.stop());

  it('describes itself for .engage/providers.json', () => {
    expect(standIn.describe()).toMatchObject({
      url: `smtp://127.0.0.1:${standIn.port}`,
      user: SMTP_STAND_IN_USER,
      pass: SMTP_STAND_IN_PASSWORD,
      inboxUrl: standIn.inboxUrl,
    });
  });

  it('captures and parses a templated email sent with nodemailer', async () => {
    const info = await transport({ user: SMTP_STAND_IN_USER, pass: SMTP_STAND_IN_PASSWORD }).sendMail({
      from: '"Engage" <no-reply@engage.test>',
      to: 'Rep One <rep1@acme.test>',
      bcc: 'audit@acme.test',
      subject: 'Reset your Engage password',
      text: 'Open https://app.engage.test/reset?token=abc123 within 30 minutes.',
      html: '<p>Open <a href="https://app.engage.test/reset?token=abc123">this link</a> within 30 minutes.</p>',
      attachments: [{ filename: 'note.txt', content: 'hello' }],
    });
    expect(info.rejected).toEqual([]);

    const { status, body } = await inbox<{ data: CapturedMessage[] }>('/messages?to=REP1@acme.test');
    expect(status).toBe(200);
    expect(body.data).toHaveLength(1);
    const message = body.data[0];
    expect(message).toMatchObject({
      auth_user: SMTP_STAND_IN_USER,
      from: 'no-reply@engage.test',
      to: ['rep1@acme.test'],
      subject: 'Reset your Engage password',
      envelope: { from: 'no-reply@engage.test', to: ['rep1@acme.test', 'audit@acme.test'] },
      attachments: [{ filename: 'note.txt', content_type: 'text/plain', size: 5 }],
    });
    expect(message.text).toContain('token=abc123');
    expect(message.html).toContain('<a href="https://app.engage.test/reset?token=abc123">');
    expect(message.message_id).toBe(info.messageId);
    // Bcc recipients are found by the envelope, as a real mailbox would receive them.
    expect((await inbox<{ data: CapturedMessage[] }>('/messages?to=audit@acme.test')).body.data).toHaveLength(1);
    const raw = await (await fetch(`${standIn.inboxUrl}/messages/${message.id}/raw`)).text();
    expect(raw).toContain('Subject: Reset your Engage password');
  });

  it('rejects wrong credentials with 535 and keeps nothing', async () => {
    const error = await transport({ user: SMTP_STAND_IN_USER, pass: 'wrong' })
      .sendMail({ from: 'x@engage.test', to: 'y@acme.test', subject: 'nope', text: 'nope' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect((await inbox<{ data: CapturedMessage[] }>('/messages')).body.data).toHaveLength(0);
  });

  it('refuses mail from a client that does not authenticate', async () => {
    const error = await transport()
      .sendMail({ from: 'x@engage.test', to: 'y@acme.test', subject: 'anonymous', text: 'anonymous' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ responseCode: 530 });
    expect((await inbox<{ data: CapturedMessage[] }>('/messages')).body.data).toHaveLength(0);
  });

  it('accepts anonymous mail only when started for it', async () => {
    const open = await startSmtpStandIn({ allowAnonymous: true });
    try {
      await nodemailer
        .createTransport({ host: open.host, port: open.port, secure: false })
        .sendMail({ from: 'x@engage.test', to: 'y@acme.test', subject: 'dev', text: 'dev' });
      expect(open.mailbox.list({ to: 'y@acme.test' })).toMatchObject([{ subject: 'dev', auth_user: null }]);
    } finally {
      await open.stop();
    }
  });

  it('waits for a message that arrives later, filters by subject, and times out with 404', async () => {
    const waiting = inbox<CapturedMessage>('/messages/wait?to=invitee@acme.test&subject=invitation&timeout_ms=5000');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await transport({ user: SMTP_STAND_IN_USER, pass: SMTP_STAND_IN_PASSWORD }).sendMail({
      from: 'no-reply@engage.test',
      to: 'invitee@acme.test',
      subject: 'Your Engage invitation',
      text: 'Join Acme on Engage.',
    });
    const arrived = await waiting;
    expect(arrived.status).toBe(200);
    expect(arrived.body).toMatchObject({ subject: 'Your Engage invitation', to: ['invitee@acme.test'] });

    const other = await inbox<{ data: CapturedMessage[] }>('/messages?subject=password');
    expect(other.body.data).toHaveLength(0);
    const timedOut = await inbox<{ error: string }>('/messages/wait?to=nobody@acme.test&timeout_ms=200');
    expect(timedOut).toEqual({ status: 404, body: expect.objectContaining({ error: 'timeout' }) });
    expect((await inbox<{ error: string }>('/messages/wait?timeout_ms=-1')).status).toBe(400);
  });

  it('empties the inbox on DELETE /messages', async () => {
    const mailer = transport({ user: SMTP_STAND_IN_USER, pass: SMTP_STAND_IN_PASSWORD });
    await mailer.sendMail({ from: 'a@engage.test', to: 'b@acme.test', subject: 'one', text: '1' });
    await mailer.sendMail({ from: 'a@engage.test', to: 'b@acme.test', subject: 'two', text: '2' });
    expect((await inbox<{ data: CapturedMessage[] }>('/messages?to=b@acme.test')).body.data.map((m) => m.subject)).toEqual(['one', 'two']);
    expect(await inbox('/messages', 'DELETE')).toEqual({ status: 200, body: { deleted: 2 } });
    expect((await inbox<{ data: CapturedMessage[] }>('/messages')).body.data).toHaveLength(0);
  });
});
