import type { IncomingMessage, ServerResponse } from 'node:http';
import { AccessTokenError, verifyAccessToken } from './access-token';
import type { StandInContext } from './context';
import { isDialable, newSid } from './format';
import { readBody, sendJson } from './http';
import { FINAL_CALL_STATUSES, type CallRecord, type DeliveryMode } from './model';
import { callJson, incomingNumberJson, messageJson } from './resources';
import { addNumber } from './rest-messaging';
import { callOutcomeFor } from './scenarios';

/** Answers of the control API: plain JSON `{error}` bodies, since tests, not the SDK, read them. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_WAIT_MS = 120_000;

function requireString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new ControlError(400, `${name} is required`);
  return value;
}

function callOf(ctx: StandInContext, sid: string): CallRecord {
  const call = ctx.store.calls.get(sid);
  if (!call) throw new ControlError(404, `no call ${sid}`);
  return call;
}

/**
 * `/_standin/…`: what a test does that only the telephone network could do — a text arriving, a
 * callee picking up late, Twilio delivering a callback twice or out of order — and what it needs to
 * see, the callbacks sent. Described in README.md.
 */
export async function handleControl(ctx: StandInContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  try {
    const method = (req.method ?? 'GET').toUpperCase();
    const text = method === 'GET' ? '' : await readBody(req);
    let body: Record<string, unknown> = {};
    if (text !== '') {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new ControlError(400, 'body must be JSON');
      }
    }
    const result = await route(ctx, method, url, body);
    sendJson(res, result.status ?? 200, result.body);
  } catch (error) {
    if (error instanceof ControlError) sendJson(res, error.status, { error: error.message });
    else throw error;
  }
}

async function route(
  ctx: StandInContext,
  method: string,
  url: URL,
  body: Record<string, unknown>,
): Promise<{ status?: number; body: unknown }> {
  const path = url.pathname.slice('/_standin'.length);
  let m: RegExpExecArray | null;
  if (method === 'GET' && path === '/callbacks') {
    const sid = url.searchParams.get('sid') ?? undefined;
    return { body: { callbacks: ctx.sender.list({ resourceSid: sid, kind: url.searchParams.get('kind') ?? undefined }) } };
  }
  if (method === 'GET' && path === '/calls') {
    const to = url.searchParams.get('to');
    const calls = [...ctx.store.calls.values()].filter((c) => !to || c.to === to);
    return { body: { calls: calls.map(callJson) } };
  }
  if (method === 'POST' && path === '/sms/inbound') return { status: 201, body: await inboundSms(ctx, body) };
  if (method === 'PUT' && path === '/delivery') {
    const number = requireString(body, 'number');
    const mode = requireString(body, 'mode') as DeliveryMode;
    if (!['normal', 'duplicate', 'reverse'].includes(mode)) throw new ControlError(400, 'mode is normal, duplicate or reverse');
    ctx.store.deliveryModes.set(number, mode);
    return { body: { number, mode } };
  }
  if (method === 'POST' && path === '/numbers') {
    const phoneNumber = requireString(body, 'phoneNumber');
    const accountSid = typeof body.accountSid === 'string' ? body.accountSid : ctx.mainAccount.sid;
    if (!ctx.store.accounts.has(accountSid)) throw new ControlError(404, `no account ${accountSid}`);
    if (!isDialable(phoneNumber)) throw new ControlError(400, 'phoneNumber must be E.164');
    const existing = ctx.store.numberOwner(phoneNumber);
    if (existing) throw new ControlError(409, `${phoneNumber} belongs to ${existing.accountSid}`);
    const optional = (name: string): string | undefined => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    const number = addNumber(ctx, accountSid, phoneNumber, { smsUrl: optional('smsUrl'), voiceUrl: optional('voiceUrl') });
    return { status: 201, body: incomingNumberJson(number) };
  }
  if (method === 'POST' && path === '/voice/token/verify') return { body: verifyToken(ctx, body) };
  if (method === 'POST' && path === '/voice/connect') return { status: 201, body: await browserCall(ctx, body) };
  if ((m = /^\/calls\/(CA[0-9a-f]{32})(\/[a-z]+)?$/.exec(path))) {
    const call = callOf(ctx, m[1]);
    const action = m[2] ?? '';
    if (method === 'GET' && action === '') return { body: callJson(call) };
    if (method === 'GET' && action === '/wait') return waitForCall(ctx, call, url.searchParams);
    if (method === 'POST' && action === '/release') {
      if (!ctx.calls.release(call)) throw new ControlError(409, `call ${call.sid} is not held`);
      return { body: callJson(call) };
    }
    if (method === 'POST' && action === '/replay') {
      const order = body.order === 'reverse' ? 'reverse' : 'same';
      const kind = typeof body.kind === 'string' ? body.kind : undefined;
      return { body: { callbacks: await ctx.calls.callbacks.replay(call.sid, order, kind) } };
    }
  }
  throw new ControlError(404, `no control route ${method} ${url.pathname}`);
}

/** Waits until the call reaches `status` (or any final status for `status=final`) and its callbacks are out. */
async function waitForCall(ctx: StandInContext, call: CallRecord, query: URLSearchParams): Promise<{ status?: number; body: unknown }> {
  const wanted = query.get('status') ?? 'final';
  const timeoutMs = Math.min(Number(query.get('timeoutMs') ?? 10_000) || 10_000, MAX_WAIT_MS);
  const reached = (c: CallRecord): boolean => (wanted === 'final' ? FINAL_CALL_STATUSES.has(c.status) : c.status === wanted);
  const ok = reached(call) || (await new Promise<boolean>((resolve) => {
      const onChange = (c: CallRecord): void => {
        if (!reached(c)) return;
        clearTimeout(timer);
        ctx.store.events.off(`call:${call.sid}`, onChange);
        resolve(true);
      };
      const timer = setTimeout(() => {
        ctx.store.events.off(`call:${call.sid}`, onChange);
        resolve(false);
      }, timeoutMs);
      ctx.store.events.on(`call:${call.sid}`, onChange);
    }));
  if (!ok) return { status: 408, body: { error: `call ${call.sid} is ${call.status}, not ${wanted}`, call: callJson(call) } };
  await ctx.calls.callbacks.drain(call.sid);
  return { body: { call: callJson(call), callbacks: ctx.sender.list({ resourceSid: call.sid }) } };
}

async function inboundSms(ctx: StandInContext, body: Record<string, unknown>): Promise<unknown> {
  const from = requireString(body, 'from');
  const to = requireString(body, 'to');
  const text = typeof body.body === 'string' ? body.body : '';
  const number = ctx.store.numberOwner(to);
  if (!number) throw new ControlError(404, `${to} is not a number of any account`);
  const target =
    (typeof body.url === 'string' && body.url) ||
    number.smsUrl ||
    (ctx.webhookBaseUrl ? `${ctx.webhookBaseUrl}/webhooks/twilio/sms` : undefined);
  if (!target) throw new ControlError(400, 'no SMS URL: set the number smsUrl, the webhook base URL or pass url');
  const { message, callback } = await ctx.messages.receive({ accountSid: number.accountSid, from, to, body: text, url: target });
  return { message: messageJson(message), callback };
}

function verifyToken(ctx: StandInContext, body: Record<string, unknown>): unknown {
  try {
    return verifyAccessToken(requireString(body, 'token'), ctx.apiKeys);
  } catch (error) {
    if (error instanceof AccessTokenError) throw new ControlError(401, error.message);
    throw error;
  }
}

/**
 * What a Voice SDK device does on `device.connect({ params: { To, … } })`: with a valid access token,
 * Twilio posts to the application's voice URL (the app's `/webhooks/twilio/voice` unless `url` is
 * given) and follows the TwiML it answers; the dialled leg is driven like any other call.
 */
async function browserCall(ctx: StandInContext, body: Record<string, unknown>): Promise<unknown> {
  const token = verifyToken(ctx, body) as ReturnType<typeof verifyAccessToken>;
  const to = requireString(body, 'to');
  const voiceUrl =
    (typeof body.url === 'string' && body.url) || (ctx.webhookBaseUrl ? `${ctx.webhookBaseUrl}/webhooks/twilio/voice` : undefined);
  if (!voiceUrl) throw new ControlError(400, 'no voice URL: set the webhook base URL or pass url');
  const now = new Date();
  const call: CallRecord = {
    sid: newSid('CA'),
    accountSid: token.accountSid,
    to,
    from: `client:${token.identity}`,
    direction: 'inbound',
    status: 'queued',
    createdAt: now,
    updatedAt: now,
    timeout: 60,
    outcome: callOutcomeFor('+10000000000'),
    delivery: 'normal',
    sequence: 0,
    held: false,
    timers: new Set(),
  };
  ctx.store.calls.set(call.sid, call);
  const appSid = token.voice?.outgoing?.application_sid;
  // The device's connect params are posted as form fields beside Twilio's own, as the Voice SDK does.
  const deviceParams: Record<string, string> = {};
  if (body.params !== undefined) {
    if (typeof body.params !== 'object' || body.params === null || Array.isArray(body.params)) throw new ControlError(400, 'params must be an object of strings');
    for (const [k, v] of Object.entries(body.params)) {
      if (typeof v !== 'string') throw new ControlError(400, `params.${k} must be a string`);
      deviceParams[k] = v;
    }
  }
  const sent = await ctx.calls.connectClient(call, voiceUrl, { ...deviceParams, To: to, ...(appSid ? { ApplicationSid: appSid } : {}) });
  const child = [...ctx.store.calls.values()].find((c) => c.parentCallSid === call.sid);
  return { call: callJson(call), twiml: sent.responseBody ?? null, voiceUrlStatus: sent.responseStatus ?? null, dialed: child ? callJson(child) : null };
}
