import { randomBytes } from 'node:crypto';
import { isDialable, newSid } from './format';
import { notFound, sendJson, TwilioApiError } from './http';
import { lookupPhoneNumber } from './lookups';
import type { Account, IncomingNumber, MessageRecord } from './model';
import { accountJson, incomingNumberJson, listPage, messageJson } from './resources';
import { messageOutcomeFor } from './scenarios';
import type { RestRequest, StandInContext } from './context';
import { ownsNumber, pageNumber, pageSize } from './rest-calls';

const MAX_BODY_CHARS = 1600;

/** POST /2010-04-01/Accounts/{AccountSid}/Messages.json */
export function createMessage(ctx: StandInContext, r: RestRequest, account: Account): void {
  const form = r.form;
  const to = form.get('To');
  const from = form.get('From');
  const messagingServiceSid = form.get('MessagingServiceSid');
  const body = form.get('Body') ?? '';
  if (!to) throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
  if (!from && !messagingServiceSid) throw new TwilioApiError(400, 21603, "A 'From' phone number is required.");
  if (body === '' && form.list('MediaUrl').length === 0) throw new TwilioApiError(400, 21602, 'Message body is required.');
  if (body.length > MAX_BODY_CHARS) {
    throw new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  }
  if (!isDialable(to) || to.startsWith('client:')) throw new TwilioApiError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  const sender = from ?? firstNumberOf(ctx, account);
  if (!sender || !ownsNumber(ctx, account, sender)) {
    throw new TwilioApiError(
      400,
      21606,
      `The From phone number ${sender ?? ''} is not a valid, SMS-capable inbound phone number or short code for your account.`,
    );
  }
  const now = new Date();
  const message: MessageRecord = {
    sid: newSid('SM'),
    accountSid: account.sid,
    to,
    from: sender,
    body,
    direction: 'outbound-api',
    status: 'queued',
    createdAt: now,
    updatedAt: now,
    statusCallback: form.get('StatusCallback'),
    messagingServiceSid,
    outcome: messageOutcomeFor(to),
  };
  ctx.store.messages.set(message.sid, message);
  sendJson(r.res, 201, messageJson(message));
  ctx.messages.start(message);
}

function firstNumberOf(ctx: StandInContext, account: Account): string | undefined {
  for (const n of ctx.store.numbers.values()) if (n.accountSid === account.sid) return n.phoneNumber;
  return undefined;
}

/** GET /Messages.json (To, From filters) and GET /Messages/{Sid}.json */
export function listMessages(ctx: StandInContext, r: RestRequest, account: Account): void {
  const to = r.query.get('To');
  const from = r.query.get('From');
  const messages = [...ctx.store.messages.values()]
    .filter((m) => m.accountSid === account.sid && (!to || m.to === to) && (!from || m.from === from))
    .reverse()
    .map(messageJson);
  sendJson(r.res, 200, listPage('messages', r.path, messages, pageNumber(r), pageSize(r)));
}

export function fetchMessage(ctx: StandInContext, r: RestRequest, account: Account, sid: string): void {
  const message = ctx.store.messages.get(sid);
  if (!message || message.accountSid !== account.sid) throw notFound(r.path);
  sendJson(r.res, 200, messageJson(message));
}

/** GET|POST /IncomingPhoneNumbers.json: the account's numbers; POST "buys" one (PhoneNumber, SmsUrl, VoiceUrl). */
export function incomingNumbers(ctx: StandInContext, r: RestRequest, account: Account): void {
  if (r.method === 'POST') {
    const phoneNumber = r.form.get('PhoneNumber');
    if (!phoneNumber || !isDialable(phoneNumber) || phoneNumber.startsWith('client:')) {
      throw new TwilioApiError(400, 21421, 'PhoneNumber is required and must be in E.164 format.');
    }
    if (ctx.store.numberOwner(phoneNumber)) {
      throw new TwilioApiError(400, 21422, `PhoneNumber ${phoneNumber} is not available.`);
    }
    const number = addNumber(ctx, account.sid, phoneNumber, {
      friendlyName: r.form.get('FriendlyName'),
      smsUrl: r.form.get('SmsUrl'),
      voiceUrl: r.form.get('VoiceUrl'),
    });
    sendJson(r.res, 201, incomingNumberJson(number));
    return;
  }
  const wanted = r.query.get('PhoneNumber');
  const numbers = [...ctx.store.numbers.values()]
    .filter((n) => n.accountSid === account.sid && (!wanted || n.phoneNumber === wanted))
    .map(incomingNumberJson);
  sendJson(r.res, 200, listPage('incoming_phone_numbers', r.path, numbers, pageNumber(r), pageSize(r)));
}

export function addNumber(
  ctx: Pick<StandInContext, 'store'>,
  accountSid: string,
  phoneNumber: string,
  extra: { friendlyName?: string; smsUrl?: string; voiceUrl?: string } = {},
): IncomingNumber {
  const number: IncomingNumber = {
    sid: newSid('PN'),
    accountSid,
    phoneNumber,
    friendlyName: extra.friendlyName ?? phoneNumber,
    smsUrl: extra.smsUrl,
    voiceUrl: extra.voiceUrl,
    createdAt: new Date(),
  };
  ctx.store.numbers.set(number.sid, number);
  return number;
}

/** POST /2010-04-01/Accounts.json: a subaccount (one per tenant), owned by the caller. */
export function createSubaccount(ctx: StandInContext, r: RestRequest): void {
  const now = new Date();
  const account: Account = {
    sid: newSid('AC'),
    authToken: randomBytes(16).toString('hex'),
    friendlyName: r.form.get('FriendlyName') ?? `SubAccount Created at ${now.toISOString()}`,
    ownerAccountSid: r.caller.sid,
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
  ctx.store.accounts.set(account.sid, account);
  sendJson(r.res, 201, accountJson(account));
}

/** GET https://lookups.twilio.com/v2/PhoneNumbers/{PhoneNumber}, reached here as /lookups/v2/…. */
export function lookup(r: RestRequest, phoneNumber: string): void {
  const fields = r.query
    .getAll('Fields')
    .flatMap((f) => f.split(','))
    .map((f) => f.trim());
  sendJson(r.res, 200, lookupPhoneNumber(phoneNumber, fields, r.query.get('CountryCode') ?? undefined));
}
