import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountInPath, authenticate, type RestRequest, type StandInContext } from './context';
import { API_VERSION } from './format';
import { FormParams, notFound, readBody, sendJson, TwilioApiError } from './http';
import type { Account } from './model';
import { accountJson, callJson } from './resources';
import { createCall, findCall, listCalls, listRecordings, recordingRoute, updateCall } from './rest-calls';
import { createMessage, createSubaccount, fetchMessage, incomingNumbers, listMessages, lookup } from './rest-messaging';

const ACCOUNT_PATH = new RegExp(`^/${API_VERSION}/Accounts/(AC[0-9a-f]{32})(?:\\.json|/(.*))$`);
const LOOKUP_PATH = /^\/lookups\/v2\/PhoneNumbers\/([^/]+)$/;

const methodNotAllowed = (): TwilioApiError => new TwilioApiError(405, 20004, 'Method not allowed');

/**
 * The REST paths the SDK calls: api.twilio.com's `/2010-04-01/…` as they are, and lookups.twilio.com's
 * `/v2/…` under `/lookups` (StandInRequestClient maps each Twilio host to a path prefix).
 */
export async function handleRest(ctx: StandInContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const caller = authenticate(ctx, req);
  const method = (req.method ?? 'GET').toUpperCase();
  const body = method === 'POST' || method === 'PUT' ? await readBody(req) : '';
  const path = url.pathname;
  const r: RestRequest = { req, res, method, path, query: url.searchParams, form: FormParams.parse(body), caller };

  const lookupMatch = LOOKUP_PATH.exec(path);
  if (lookupMatch) {
    if (method !== 'GET') throw methodNotAllowed();
    lookup(r, decodeURIComponent(lookupMatch[1]));
    return;
  }
  if (path === `/${API_VERSION}/Accounts.json`) {
    if (method !== 'POST') throw methodNotAllowed();
    createSubaccount(ctx, r);
    return;
  }
  const match = ACCOUNT_PATH.exec(path);
  if (!match) throw notFound(path);
  const account = accountInPath(ctx, caller, match[1], path);
  const rest = match[2];
  if (rest === undefined) {
    sendJson(res, 200, accountJson(account));
    return;
  }
  routeAccountResource(ctx, r, account, rest);
}

function routeAccountResource(ctx: StandInContext, r: RestRequest, account: Account, rest: string): void {
  const { method, path } = r;
  let m: RegExpExecArray | null;
  if (rest === 'Calls.json') {
    if (method === 'POST') return createCall(ctx, r, account);
    if (method === 'GET') return listCalls(ctx, r, account);
    throw methodNotAllowed();
  }
  if ((m = /^Calls\/(CA[0-9a-f]{32})\.json$/.exec(rest))) {
    const call = findCall(ctx, account, m[1], path);
    if (method === 'POST') return updateCall(ctx, r, call);
    if (method === 'GET') return sendJson(r.res, 200, callJson(call));
    throw methodNotAllowed();
  }
  if (rest === 'Messages.json') {
    if (method === 'POST') return createMessage(ctx, r, account);
    if (method === 'GET') return listMessages(ctx, r, account);
    throw methodNotAllowed();
  }
  if ((m = /^Messages\/((?:SM|MM)[0-9a-f]{32})\.json$/.exec(rest))) {
    if (method !== 'GET') throw methodNotAllowed();
    return fetchMessage(ctx, r, account, m[1]);
  }
  if (rest === 'Recordings.json') {
    if (method !== 'GET') throw methodNotAllowed();
    return listRecordings(ctx, r, account);
  }
  if ((m = /^Recordings\/(RE[0-9a-f]{32})(\.json|\.wav|\.mp3|)$/.exec(rest))) {
    return recordingRoute(ctx, r, account, m[1], m[2]);
  }
  if (rest === 'IncomingPhoneNumbers.json') {
    if (method !== 'GET' && method !== 'POST') throw methodNotAllowed();
    return incomingNumbers(ctx, r, account);
  }
  throw notFound(path);
}
