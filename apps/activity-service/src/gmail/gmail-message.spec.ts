import type { gmail_v1 } from '@googleapis/gmail';
import { BODY_MAX, cleanText, emailActivityKey, htmlToText, messageTextOf, emailEntry, mailboxMessageOf, messageKey, normaliseMessageId, parseAddressList, participantsOf, unescapeSnippet } from './gmail-message';
import { parseGmailPush } from './gmail-connections.service';
import { classifyGoogleError, describeGoogleError, pkcePair } from './google-mail';

const message = (headers: Record<string, string>, extra: Partial<gmail_v1.Schema$Message> = {}): gmail_v1.Schema$Message => ({
  id: 'g1',
  threadId: 't1',
  internalDate: String(Date.parse('2026-03-01T09:30:00Z')),
  labelIds: ['INBOX'],
  snippet: 'Hi Alice, we&#39;d like to renew &amp; grow',
  payload: { headers: Object.entries(headers).map(([name, value]) => ({ name, value })) },
  ...extra,
});

describe('parseAddressList', () => {
  it('reads display names, quotes with commas, groups, comments and bare addresses', () => {
    expect(parseAddressList('"Diaz, Dana" <Dana@Customer.TEST>, bob@x.test')).toEqual(['dana@customer.test', 'bob@x.test']);
    expect(parseAddressList('team: a@x.test, b@y.test;, c@z.test')).toEqual(['a@x.test', 'b@y.test', 'c@z.test']);
    expect(parseAddressList('carl@x.test (Carl), <mailto:DUP@x.test>, dup@x.test')).toEqual(['carl@x.test', 'dup@x.test']);
    expect(parseAddressList('undisclosed-recipients:;')).toEqual([]);
    expect(parseAddressList('not an address, @x, a@b, "quoted" <>')).toEqual([]);
    expect(parseAddressList(undefined)).toEqual([]);
  });
});

describe('mailboxMessageOf', () => {
  it('takes the headers it needs, whatever their case, and the time Gmail received it', () => {
    const m = mailboxMessageOf(
      message({ from: 'Dana <dana@customer.test>', TO: 'alice@engage.test', Cc: 'Bob <bob@engage.test>', subject: ' Renewal\u0000 for\t2026 ', 'Message-Id': ' <renewal-1@customer.test> ' }),
    )!;
    expect(m).toMatchObject({
      gmailId: 'g1',
      threadId: 't1',
      messageId: 'renewal-1@customer.test',
      subject: 'Renewal for 2026',
      snippet: "Hi Alice, we'd like to renew & grow",
      from: 'dana@customer.test',
      to: ['alice@engage.test'],
      cc: ['bob@engage.test'],
      occurredAt: '2026-03-01T09:30:00.000Z',
    });
    expect(participantsOf(m, 'alice@engage.test')).toEqual(['dana@customer.test', 'bob@engage.test']);
  });

  it('survives missing headers, an empty payload and a nonsense date; refuses a message without ids', () => {
    const m = mailboxMessageOf({ id: 'g2', threadId: 't2', internalDate: 'soon' })!;
    expect(m).toMatchObject({ messageId: null, subject: null, from: null, to: [], cc: [], snippet: '' });
    expect(Number.isFinite(Date.parse(m.occurredAt))).toBe(true);
    expect(mailboxMessageOf({ threadId: 't' })).toBeNull();
  });

  it('clips a huge subject and keeps text PostgreSQL accepts', () => {
    const m = mailboxMessageOf(message({ Subject: 'x'.repeat(10_000) }))!;
    expect(m.subject!.length).toBe(200);
    expect(cleanText('a\u0000b\u0007c\n\nd', 100)).toBe('abc d');
    expect(unescapeSnippet('&lt;b&gt; &#x263A; &#0; &bogus;')).toBe('<b> ☺ &#0; &bogus;');
  });
});

describe('message keys', () => {
  it('are the RFC Message-ID across mailboxes, and the Gmail id within one mailbox without it', () => {
    const a = mailboxMessageOf(message({ 'Message-ID': '<m@x>' }))!;
    const b = mailboxMessageOf(message({ 'Message-ID': '<m@x>' }, { id: 'other' }))!;
    expect(messageKey(a, 'alice@engage.test')).toBe(messageKey(b, 'bob@engage.test'));
    const bare = mailboxMessageOf(message({}))!;
    expect(messageKey(bare, 'alice@engage.test')).toBe('gmail:alice@engage.test:g1');
    expect(normaliseMessageId('<>')).toBeNull();
  });

  it('name one activity per message and contact, stable across runs', () => {
    expect(emailActivityKey('rfc:m@x', 'c1')).toBe(emailActivityKey('rfc:m@x', 'c1'));
    expect(emailActivityKey('rfc:m@x', 'c1')).not.toBe(emailActivityKey('rfc:m@x', 'c2'));
    expect(emailActivityKey('rfc:m@x', 'c1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('emailEntry', () => {
  it('says whether the mailbox sent or received it', () => {
    const sent = mailboxMessageOf(message({ From: 'alice@engage.test', To: 'dana@customer.test' }, { labelIds: ['SENT'] }))!;
    expect(emailEntry(sent, 'alice@engage.test', 'c1', 'u1')).toMatchObject({ type: 'email', contact_id: 'c1', actor_id: 'u1', subject: '(no subject)', payload: { direction: 'outbound' } });
    const received = mailboxMessageOf(message({ From: 'dana@customer.test', To: 'alice@engage.test' }))!;
    expect(emailEntry(received, 'alice@engage.test', 'c1', 'u1').payload).toMatchObject({ direction: 'inbound', gmail_message_id: 'g1', thread_id: 't1' });
  });
});

describe('parseGmailPush', () => {
  const data = (value: unknown) => ({ message: { data: Buffer.from(JSON.stringify(value)).toString('base64') } });

  it('reads the mailbox and history id of a Pub/Sub push', () => {
    expect(parseGmailPush(data({ emailAddress: 'Alice@Engage.test', historyId: 1234 }))).toEqual({ emailAddress: 'alice@engage.test', historyId: '1234' });
    expect(parseGmailPush(data({ emailAddress: 'a@b.test', historyId: 'x' }))).toEqual({ emailAddress: 'a@b.test', historyId: null });
  });

  it('refuses bodies that are no push with 400', () => {
    for (const body of [undefined, 7, { message: { data: 5 } }, { message: { data: 'x'.repeat(5000) } }, data({ historyId: 1 }), data({ emailAddress: 'no at sign' }), data(null)]) {
      expect(() => parseGmailPush(body)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});

describe('Google errors', () => {
  it('tell a refused grant, a 404 and a passing failure apart, without tokens in the description', () => {
    expect(classifyGoogleError({ response: { status: 400, data: { error: 'invalid_grant' } } })).toBe('reconsent');
    expect(classifyGoogleError({ response: { status: 404 } })).toBe('not_found');
    expect(classifyGoogleError({ status: 503 })).toBe('transient');
    expect(classifyGoogleError(new Error('socket hang up'))).toBe('transient');
    expect(describeGoogleError(new Error('bad token ya29.secret-token and 1//refresh.x'))).toBe('bad token [token] and [token]');
  });

  it('make PKCE pairs whose challenge is the S256 of the verifier', async () => {
    const { verifier, challenge } = pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const { createHash } = await import('node:crypto');
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });
});

describe('messageTextOf', () => {
  const b64 = (text: string, encoding: BufferEncoding = 'utf8') => Buffer.from(text, encoding).toString('base64url');
  const part = (mimeType: string, data: string, extra: Partial<gmail_v1.Schema$MessagePart> = {}): gmail_v1.Schema$MessagePart => ({ mimeType, body: { data }, ...extra });

  it('takes the first text/plain part of a nested multipart message, not an attachment, in its charset', () => {
    const latin1 = part('text/plain', b64('Grüße aus München', 'latin1'), { headers: [{ name: 'Content-Type', value: 'text/plain; charset="ISO-8859-1"' }] });
    const attachment = part('text/plain', b64('not me'), { filename: 'notes.txt' });
    const payload = { mimeType: 'multipart/mixed', parts: [attachment, { mimeType: 'multipart/alternative', parts: [latin1, part('text/html', b64('<p>html</p>'))] }] };
    expect(messageTextOf({ payload })).toEqual({ text: 'Grüße aus München', truncated: false });
  });

  it('falls back to the HTML part as text, and reads an unknown charset as UTF-8', () => {
    const html = part('text/html', b64('<html><head><title>t</title></head><body><p>Hi&nbsp;<b>you</b></p><style>p{}</style><div>Q&amp;A</div></body></html>'));
    expect(messageTextOf({ payload: { mimeType: 'multipart/alternative', parts: [html] } })).toEqual({ text: 'Hi you\nQ&A', truncated: false });
    const odd = part('text/plain', b64('plain ✓'), { headers: [{ name: 'Content-Type', value: 'text/plain; charset=x-unknown-9' }] });
    expect(messageTextOf({ payload: odd })!.text).toBe('plain ✓');
    expect(htmlToText('a<br>b<script>alert(1)</script>')).toBe('a\nb');
  });

  it('cuts a huge body, keeps line breaks, and answers null without text', () => {
    const huge = messageTextOf({ payload: part('text/plain', b64(`line 1\r\n\r\n\r\n\r\nline 2 ${'x'.repeat(BODY_MAX)}\u0000`)) })!;
    expect(huge.truncated).toBe(true);
    expect(huge.text).toHaveLength(BODY_MAX);
    expect(huge.text.startsWith('line 1\n\nline 2 x')).toBe(true);
    expect(messageTextOf({ payload: { mimeType: 'multipart/mixed', parts: [part('image/png', b64('png'))] } })).toBeNull();
    expect(messageTextOf({ payload: part('text/plain', '', { body: { attachmentId: 'big', size: 10_000_000 } }) })).toBeNull();
    expect(messageTextOf({})).toBeNull();
  });
});
