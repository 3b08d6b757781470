import { isDialable, newSid } from './format';
import { notFound, sendJson, TwilioApiError, type FormParams } from './http';
import { generateMp3, generateWav } from './media';
import type { Account, CallbackTarget, CallRecord } from './model';
import { callJson, listPage, recordingJson } from './resources';
import { callOutcomeFor } from './scenarios';
import type { RestRequest, StandInContext } from './context';

const CALL_EVENTS = new Set(['initiated', 'ringing', 'answered', 'completed']);
const RECORDING_EVENTS = new Set(['in-progress', 'completed', 'absent']);

function target(url: string | undefined, method: string | undefined, events: string[] | undefined): CallbackTarget | undefined {
  if (!url) return undefined;
  return { url, method: (method ?? 'POST').toUpperCase(), events: new Set(events) };
}

/** Twilio may only place a call from one of the account's numbers (or a client identity). */
export function ownsNumber(ctx: StandInContext, account: Account, number: string): boolean {
  if (number.startsWith('client:')) return true;
  const owner = ctx.store.numberOwner(number);
  return owner !== undefined && owner.accountSid === account.sid;
}

/** POST /2010-04-01/Accounts/{AccountSid}/Calls.json */
export function createCall(ctx: StandInContext, r: RestRequest, account: Account): void {
  const form = r.form;
  const to = form.get('To');
  const from = form.get('From');
  if (!to) throw new TwilioApiError(400, 21201, "No 'To' number is specified");
  if (!from) throw new TwilioApiError(400, 21213, "No 'From' number is specified");
  if (!isDialable(to)) throw new TwilioApiError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  if (!ownsNumber(ctx, account, from)) {
    throw new TwilioApiError(400, 21210, `The source phone number provided, ${from}, is not yet verified for your account.`);
  }
  const url = form.get('Url');
  const twiml = form.get('Twiml');
  if (!url && twiml === undefined && !form.get('ApplicationSid')) {
    throw new TwilioApiError(400, 21205, 'Url parameter is required');
  }
  const timeout = form.int('Timeout') ?? 60;
  if (timeout < 1 || timeout > 600) throw new TwilioApiError(400, 21216, 'Timeout must be between 1 and 600');
  const statusEvents = form.list('StatusCallbackEvent');
  if (statusEvents.some((e) => !CALL_EVENTS.has(e))) {
    throw new TwilioApiError(400, 21626, 'StatusCallbackEvent must be initiated, ringing, answered or completed');
  }
  const recordingEvents = form.list('RecordingStatusCallbackEvent');
  if (recordingEvents.some((e) => !RECORDING_EVENTS.has(e))) {
    throw new TwilioApiError(400, 21626, 'RecordingStatusCallbackEvent must be in-progress, completed or absent');
  }
  const now = new Date();
  const call: CallRecord = {
    sid: newSid('CA'),
    accountSid: account.sid,
    to,
    from,
    direction: 'outbound-api',
    status: 'queued',
    createdAt: now,
    updatedAt: now,
    machineDetection: form.get('MachineDetection'),
    // Without StatusCallbackEvent, Twilio sends only the final (completed) callback.
    statusCallback: target(form.get('StatusCallback'), form.get('StatusCallbackMethod'), statusEvents.length ? statusEvents : ['completed']),
    recording: form.bool('Record')
      ? {
          channels: form.get('RecordingChannels') === 'dual' ? 2 : 1,
          callback: target(
            form.get('RecordingStatusCallback'),
            form.get('RecordingStatusCallbackMethod'),
            recordingEvents.length ? recordingEvents : ['completed'],
          ),
        }
      : undefined,
    voiceUrl: url ? { url, method: (form.get('Method') ?? 'POST').toUpperCase() } : undefined,
    twiml,
    timeout,
    outcome: callOutcomeFor(to),
    delivery: ctx.store.deliveryModes.get(to) ?? 'normal',
    sequence: 0,
    held: false,
    timers: new Set(),
  };
  ctx.store.calls.set(call.sid, call);
  sendJson(r.res, 201, callJson(call));
  ctx.calls.start(call);
}

/** GET /2010-04-01/Accounts/{AccountSid}/Calls.json, newest first, filtered as Twilio filters. */
export function listCalls(ctx: StandInContext, r: RestRequest, account: Account): void {
  const filter = (name: string): string | undefined => r.query.get(name) ?? undefined;
  const calls = [...ctx.store.calls.values()]
    .filter(
      (c) =>
        c.accountSid === account.sid &&
        (!filter('To') || c.to === filter('To')) &&
        (!filter('From') || c.from === filter('From')) &&
        (!filter('Status') || c.status === filter('Status')) &&
        (!filter('ParentCallSid') || c.parentCallSid === filter('ParentCallSid')),
    )
    .reverse()
    .map(callJson);
  sendJson(r.res, 200, listPage('calls', r.path, calls, pageNumber(r), pageSize(r)));
}

export function findCall(ctx: StandInContext, account: Account, sid: string, path: string): CallRecord {
  const call = ctx.store.calls.get(sid);
  if (!call || call.accountSid !== account.sid) throw notFound(path);
  return call;
}

/** POST /Calls/{CallSid}.json: hang up (`Status`) or redirect (`Url`/`Twiml`) a live call. */
export function updateCall(ctx: StandInContext, r: RestRequest, call: CallRecord): void {
  const form: FormParams = r.form;
  const status = form.get('Status');
  const url = form.get('Url');
  const twiml = form.get('Twiml');
  if (status !== undefined && status !== 'completed' && status !== 'canceled') {
    throw new TwilioApiError(400, 21218, `Invalid Status: ${status}`);
  }
  if ((url || twiml !== undefined) && call.status !== 'in-progress') {
    throw new TwilioApiError(400, 21220, 'Call is not in-progress. Cannot redirect.');
  }
  const callback = form.get('StatusCallback');
  if (callback && call.statusCallback) call.statusCallback.url = callback;
  if (status) ctx.calls.hangUp(call, status);
  else if (url || twiml !== undefined) {
    ctx.calls.redirect(call, { url, method: (form.get('Method') ?? 'POST').toUpperCase(), twiml });
  }
  sendJson(r.res, 200, callJson(call));
}

/** GET /Recordings.json (optionally `CallSid=`), newest first, deleted ones left out. */
export function listRecordings(ctx: StandInContext, r: RestRequest, account: Account): void {
  const callSid = r.query.get('CallSid');
  const recordings = [...ctx.store.recordings.values()]
    .filter((rec) => rec.accountSid === account.sid && !rec.deleted && (!callSid || rec.callSid === callSid))
    .reverse()
    .map(recordingJson);
  sendJson(r.res, 200, listPage('recordings', r.path, recordings, pageNumber(r), pageSize(r)));
}

/** GET|DELETE /Recordings/{Sid}.json and the media, GET /Recordings/{Sid}[.wav|.mp3]. */
export function recordingRoute(ctx: StandInContext, r: RestRequest, account: Account, sid: string, ext: string): void {
  const recording = ctx.store.recordings.get(sid);
  if (!recording || recording.accountSid !== account.sid || recording.deleted) throw notFound(r.path);
  if (ext === '.json') {
    if (r.method === 'DELETE') {
      recording.deleted = true;
      r.res.writeHead(204).end();
      return;
    }
    if (r.method !== 'GET') throw new TwilioApiError(405, 20004, 'Method not allowed');
    sendJson(r.res, 200, recordingJson(recording));
    return;
  }
  if (r.method !== 'GET' && r.method !== 'HEAD') throw new TwilioApiError(405, 20004, 'Method not allowed');
  if (recording.status !== 'completed') throw notFound(r.path);
  const mp3 = ext === '.mp3';
  const audio = mp3 ? generateMp3(recording.duration) : generateWav(recording.duration, recording.channels);
  sendMedia(r, audio, mp3 ? 'audio/mpeg' : 'audio/x-wav');
}

/** Serves audio with single-range support, as Twilio's media endpoint does for players that seek. */
function sendMedia(r: RestRequest, audio: Buffer, contentType: string): void {
  const range = /^bytes=(\d*)-(\d*)$/.exec(r.req.headers.range ?? '');
  let start = 0;
  let end = audio.length - 1;
  let status = 200;
  if (range && (range[1] !== '' || range[2] !== '')) {
    if (range[1] === '') start = Math.max(0, audio.length - Number(range[2]));
    else {
      start = Number(range[1]);
      if (range[2] !== '') end = Math.min(Number(range[2]), audio.length - 1);
    }
    if (start > end || start >= audio.length) {
      r.res.writeHead(416, { 'content-range': `bytes */${audio.length}` }).end();
      return;
    }
    status = 206;
  }
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': end - start + 1,
    'accept-ranges': 'bytes',
  };
  if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${audio.length}`;
  r.res.writeHead(status, headers);
  r.res.end(r.method === 'HEAD' ? undefined : audio.subarray(start, end + 1));
}

export const pageSize = (r: RestRequest): number => Math.min(Math.max(Number(r.query.get('PageSize') ?? 50) || 50, 1), 1000);
export const pageNumber = (r: RestRequest): number => Math.max(Number(r.query.get('Page') ?? 0) || 0, 0);
