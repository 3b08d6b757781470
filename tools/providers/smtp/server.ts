/**
 * The SMTP stand-in (SPEC §6): a real SMTP server that services reach with `nodemailer` exactly
 * as they would reach a mail provider, requiring AUTH with development credentials, and that
 * keeps what it receives (parsed) for tests to read over the inbox HTTP API.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { StandIn, StandInOptions } from '../stand-in';
import { createInboxServer } from './inbox-http';
import { Mailbox, type CapturedMessage } from './mailbox';

export const SMTP_STAND_IN_USER = 'engage';
export const SMTP_STAND_IN_PASSWORD = 'engage-smtp-development';
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface SmtpStandInOptions extends StandInOptions {
  /** Port of the inbox HTTP API; 0 picks a free one. */
  inboxPort?: number;
  user?: string;
  pass?: string;
  /** Development only: also accept mail from clients that do not authenticate. */
  allowAnonymous?: boolean;
}

export interface SmtpStandIn extends StandIn {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly pass: string;
  readonly inboxUrl: string;
  readonly mailbox: Mailbox;
}

type Addresses = AddressObject | AddressObject[] | undefined;

function addressesOf(field: Addresses): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((o) => o.value.flatMap((a) => (a.address ? [a.address] : (a.group ?? []).flatMap((g) => (g.address ? [g.address] : [])))));
}

function envelopeAddress(address: SMTPServerAddress | false): string | null {
  return address ? address.address : null;
}

function headerValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return JSON.stringify(value);
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function parseCapturedMessage(
  raw: Buffer,
  envelope: { from: string | null; to: string[] },
  authUser: string | null,
): Promise<Omit<CapturedMessage, 'id' | 'received_at'>> {
  const parsed = await simpleParser(raw);
  const headers: Record<string, string> = {};
  for (const [name, value] of parsed.headers) headers[name] = headerValue(value);
  return {
    envelope,
    auth_user: authUser,
    from: addressesOf(parsed.from)[0] ?? null,
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    reply_to: addressesOf(parsed.replyTo),
    subject: parsed.subject ?? '',
    text: parsed.text ?? null,
    html: typeof parsed.html === 'string' ? parsed.html : null,
    message_id: parsed.messageId ?? null,
    date: parsed.date ? parsed.date.toISOString() : null,
    headers,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? null, content_type: a.contentType, size: a.size })),
    size: raw.length,
  };
}

function listen(server: { listen: (port: number, host: string, cb: () => void) => unknown; once: (event: 'error', cb: (e: Error) => void) => unknown }, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

export async function startSmtpStandIn(options: SmtpStandInOptions = {}): Promise<SmtpStandIn> {
  const host = options.host ?? '127.0.0.1';
  const user = options.user ?? SMTP_STAND_IN_USER;
  const pass = options.pass ?? SMTP_STAND_IN_PASSWORD;
  const mailbox = new Mailbox();

  const smtp = new SMTPServer({
    name: 'smtp.engage.stand-in',
    banner: 'Engage SMTP stand-in (development only)',
    secure: false,
    // No TLS on a loopback development server: AUTH is allowed in clear text.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: options.allowAnonymous === true,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) return callback(null, { user: auth.username });
      const error = new Error('Invalid username or password') as Error & { responseCode: number };
      error.responseCode = 535;
      return callback(error);
    },
    onData(stream, session, callback) {
      const envelope = {
        from: envelopeAddress(session.envelope.mailFrom),
        to: session.envelope.rcptTo.map((r) => r.address),
      };
      readStream(stream)
        .then(async (raw) => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            const error = new Error('Message exceeds the fixed maximum message size') as Error & { responseCode: number };
            error.responseCode = 552;
            throw error;
          }
          mailbox.add(await parseCapturedMessage(raw, envelope, session.user ?? null), raw);
        })
        .then(
          () => callback(null, 'Message captured by the Engage SMTP stand-in'),
          (error: Error) => callback(error),
        );
    },
  });
  const inbox: Server = createInboxServer(mailbox);
  await listen(smtp, options.port ?? 0, host);
  await listen(inbox, options.inboxPort ?? 0, host);
  const port = (smtp.server.address() as AddressInfo).port;
  const inboxUrl = `http://${host}:${(inbox.address() as AddressInfo).port}`;
  const url = `smtp://${host}:${port}`;

  return {
    name: 'smtp',
    url,
    host,
    port,
    user,
    pass,
    inboxUrl,
    mailbox,
    describe: () => ({ url, host, port, user, pass, inboxUrl, allowAnonymous: String(options.allowAnonymous === true) }),
    stop: async () => {
      mailbox.close();
      inbox.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => inbox.close(() => resolve())),
      ]);
    },
  };
}
