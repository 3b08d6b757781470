import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { STAND_IN_PORT_OFFSETS } from '../providers';

/**
 * The provider stand-ins as the stack runs them: tools/stack/providers.mjs starts the compiled
 * dist/tools/providers/main.js detached (as `npm run up` does), waits for the providers file, and
 * derives the services' environment from it. The tests check the file, that every URL answers with
 * the credentials the file names, and that stopping the process removes the file and frees the ports.
 */
interface Started {
  pid: number;
  logFile: string;
  document: Record<string, Record<string, string | number> | string>;
  env: Record<string, string>;
}

const root = process.cwd();
// Away from the ports the e2e stack of this checkout uses (ENGAGE_TEST_PORT + 50…54).
const basePort = Number(process.env.ENGAGE_TEST_PORT ?? 3100) + 20;
const gatewayUrl = `http://127.0.0.1:${basePort}`;

/** Runs the stack's own start function in a short-lived node process; the stand-ins outlive it. */
function startTheWayTheStackDoes(file: string): Started {
  const script = `
    const { startProviders, providerEnv } = await import(${JSON.stringify(join(root, 'tools/stack/providers.mjs'))});
    const { process: started, document } = await startProviders(${JSON.stringify({ basePort, gatewayUrl, file, detached: true, tag: '.int-spec' })});
    console.log(JSON.stringify({ pid: started.pid, logFile: started.logFile, document, env: providerEnv(document, ${JSON.stringify(gatewayUrl)}) }));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`starting the stand-ins failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as Started;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function stop(pid: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

const basic = (user: string | number, pass: string | number): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('provider stand-ins started by the stack', () => {
  let dir: string;
  let file: string;
  let started: Started;
  const twilio = () => started.document.twilio as Record<string, string | number>;
  const stripe = () => started.document.stripe as Record<string, string | number>;
  const smtp = () => started.document.smtp as Record<string, string | number>;
  const gmail = () => started.document.gmail as Record<string, string | number>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'engage-providers-'));
    file = join(dir, 'providers.json');
    started = startTheWayTheStackDoes(file);
  });
  afterAll(async () => {
    if (started) await stop(started.pid);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one key per stand-in plus when it was written, the same as the file on disk', () => {
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk).toEqual(started.document);
    expect(Object.keys(onDisk).sort()).toEqual(['generatedAt', 'gmail', 'smtp', 'stripe', 'twilio']);
    expect(Math.abs(Date.parse(onDisk.generatedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('puts each stand-in on its fixed port beside the stack, with callbacks addressed to the gateway', () => {
    expect(twilio().url).toBe(`http://127.0.0.1:${basePort + STAND_IN_PORT_OFFSETS.twilio}`);
    expect(twilio().webhookBaseUrl).toBe(gatewayUrl);
    expect(twilio().accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(stripe().url).toBe(`http://127.0.0.1:${basePort + STAND_IN_PORT_OFFSETS.stripe}`);
    expect(stripe().webhookUrl).toBe(`${gatewayUrl}/webhooks/stripe`);
    expect(stripe().webhookSecret).toMatch(/^whsec_/);
    expect(smtp().port).toBe(basePort + STAND_IN_PORT_OFFSETS.smtp);
    expect(smtp().inboxUrl).toBe(`http://127.0.0.1:${basePort + STAND_IN_PORT_OFFSETS.smtpInbox}`);
    expect(gmail().url).toBe(`http://127.0.0.1:${basePort + STAND_IN_PORT_OFFSETS.gmail}`);
    expect(gmail().pushUrl).toBe(`${gatewayUrl}/webhooks/gmail`);
    expect(gmail().tokenUrl).toBe(`${gmail().url}/token`);
  });

  it('gives the services the environment that finds each stand-in', () => {
    expect(started.env).toMatchObject({
      PUBLIC_BASE_URL: gatewayUrl,
      TWILIO_API_BASE_URL: twilio().url,
      TWILIO_ACCOUNT_SID: twilio().accountSid,
      TWILIO_AUTH_TOKEN: twilio().authToken,
      TWILIO_PHONE_NUMBER: twilio().phoneNumber,
      STRIPE_API_BASE_URL: stripe().url,
      STRIPE_SECRET_KEY: stripe().secretKey,
      STRIPE_WEBHOOK_SECRET: stripe().webhookSecret,
      SMTP_URL: `smtp://${encodeURIComponent(String(smtp().user))}:${encodeURIComponent(String(smtp().pass))}@127.0.0.1:${smtp().port}`,
      GMAIL_URL: gmail().url,
      GMAIL_CLIENT_ID: gmail().clientId,
      GMAIL_CLIENT_SECRET: gmail().clientSecret,
      GMAIL_PUSH_TOKEN: gmail().pushToken,
    });
  });

  it('Twilio answers its REST API with the recorded credentials, and refuses others', async () => {
    const account = `${twilio().url}/2010-04-01/Accounts/${twilio().accountSid}.json`;
    const ok = await fetch(account, { headers: { authorization: basic(twilio().accountSid, twilio().authToken) } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ sid: twilio().accountSid });
    const refused = await fetch(account, { headers: { authorization: basic(twilio().accountSid, 'not-the-token') } });
    expect(refused.status).toBe(401);
  });

  it('Stripe answers its API with the recorded secret key, and refuses another key', async () => {
    const ok = await fetch(`${stripe().url}/v1/customers`, { headers: { authorization: `Bearer ${stripe().secretKey}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ object: 'list' });
    const refused = await fetch(`${stripe().url}/v1/customers`, { headers: { authorization: 'Bearer sk_test_wrong' } });
    expect(refused.status).toBe(401);
  });

  it('SMTP accepts a message with the recorded login and shows it in the inbox', async () => {
    const transport = nodemailer.createTransport(started.env.SMTP_URL);
    const subject = `providers-int-spec ${Date.now()}`;
    await transport.sendMail({ from: 'rep@demo.engage.test', to: 'lead@example.com', subject, text: 'hello' });
    transport.close();
    const inbox = await fetch(`${smtp().inboxUrl}/messages`);
    expect(inbox.status).toBe(200);
    expect(JSON.stringify(await inbox.json())).toContain(subject);
  });

  it('Gmail answers the token endpoint with the recorded client, and refuses another secret', async () => {
    const exchange = (secret: string) =>
      fetch(String(gmail().tokenUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'unknown', client_id: String(gmail().clientId), client_secret: secret }),
      });
    const known = await exchange(String(gmail().clientSecret));
    expect(known.status).toBe(400);
    expect(await known.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await exchange('not-the-secret')).status).toBe(401);
  });

  it('stops every stand-in on SIGTERM and removes the providers file', async () => {
    await stop(started.pid);
    expect(existsSync(file)).toBe(false);
    for (const url of [twilio().url, stripe().url, smtp().inboxUrl, gmail().url]) {
      await expect(fetch(String(url))).rejects.toThrow();
    }
  });
});

describe('provider stand-ins that cannot start', () => {
  it('fail the stack start, naming the log, when a port is taken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engage-providers-'));
    const first = startTheWayTheStackDoes(join(dir, 'a.json'));
    try {
      expect(() => startTheWayTheStackDoes(join(dir, 'b.json'))).toThrow(/exited before they were ready; see .*providers\.int-spec\.log/);
      expect(existsSync(join(dir, 'b.json'))).toBe(false);
    } finally {
      await stop(first.pid);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
