import { API_VERSION, rfc2822, rfc2822OrNull } from './format';
import type { Account, CallRecord, IncomingNumber, MessageRecord, RecordingRecord } from './model';

/**
 * The JSON Twilio answers for each resource, with the snake_case field names the SDK's
 * `…Instance` constructors read (node_modules/twilio/lib/rest/api/v2010/account/*.js).
 */
const accountPath = (accountSid: string): string => `/${API_VERSION}/Accounts/${accountSid}`;

export function accountJson(account: Account): Record<string, unknown> {
  const base = accountPath(account.sid);
  return {
    sid: account.sid,
    owner_account_sid: account.ownerAccountSid,
    auth_token: account.authToken,
    friendly_name: account.friendlyName,
    status: account.status,
    type: 'Full',
    date_created: rfc2822(account.createdAt),
    date_updated: rfc2822(account.updatedAt),
    uri: `${base}.json`,
    subresource_uris: { calls: `${base}/Calls.json`, messages: `${base}/Messages.json`, recordings: `${base}/Recordings.json` },
  };
}

export function callJson(call: CallRecord): Record<string, unknown> {
  const base = `${accountPath(call.accountSid)}/Calls/${call.sid}`;
  return {
    sid: call.sid,
    date_created: rfc2822(call.createdAt),
    date_updated: rfc2822(call.updatedAt),
    parent_call_sid: call.parentCallSid ?? null,
    account_sid: call.accountSid,
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    phone_number_sid: null,
    status: call.status,
    start_time: rfc2822OrNull(call.startTime),
    end_time: rfc2822OrNull(call.endTime),
    duration: call.duration === undefined ? null : String(call.duration),
    price: null,
    price_unit: 'USD',
    direction: call.direction,
    answered_by: call.answeredBy ?? null,
    api_version: API_VERSION,
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: '0',
    trunk_sid: null,
    uri: `${base}.json`,
    subresource_uris: {
      recordings: `${base}/Recordings.json`,
      notifications: `${base}/Notifications.json`,
      events: `${base}/Events.json`,
    },
  };
}

export function messageJson(message: MessageRecord): Record<string, unknown> {
  const base = `${accountPath(message.accountSid)}/Messages/${message.sid}`;
  return {
    account_sid: message.accountSid,
    api_version: API_VERSION,
    body: message.body,
    date_created: rfc2822(message.createdAt),
    date_sent: rfc2822OrNull(message.sentAt),
    date_updated: rfc2822(message.updatedAt),
    direction: message.direction,
    error_code: message.errorCode ?? null,
    error_message: message.errorMessage ?? null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid ?? null,
    num_media: '0',
    num_segments: String(Math.max(1, Math.ceil(message.body.length / 153))),
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    status: message.status,
    subresource_uris: { media: `${base}/Media.json` },
    to: message.to,
    uri: `${base}.json`,
  };
}

export function recordingJson(recording: RecordingRecord): Record<string, unknown> {
  const uri = `${accountPath(recording.accountSid)}/Recordings/${recording.sid}`;
  return {
    account_sid: recording.accountSid,
    api_version: API_VERSION,
    call_sid: recording.callSid,
    conference_sid: null,
    date_created: rfc2822(recording.createdAt),
    date_updated: rfc2822(recording.createdAt),
    start_time: rfc2822(recording.startTime),
    duration: String(recording.duration),
    sid: recording.sid,
    price: null,
    price_unit: 'USD',
    status: recording.status,
    channels: recording.channels,
    source: 'OutboundAPI',
    error_code: null,
    uri: `${uri}.json`,
    encryption_details: null,
    subresource_uris: { transcriptions: `${uri}/Transcriptions.json` },
    media_url: `https://api.twilio.com${uri}`,
  };
}

export function incomingNumberJson(n: IncomingNumber): Record<string, unknown> {
  return {
    account_sid: n.accountSid,
    address_requirements: 'none',
    api_version: API_VERSION,
    beta: false,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    date_created: rfc2822(n.createdAt),
    date_updated: rfc2822(n.createdAt),
    friendly_name: n.friendlyName,
    phone_number: n.phoneNumber,
    origin: 'twilio',
    sid: n.sid,
    sms_method: 'POST',
    sms_url: n.smsUrl ?? '',
    status_callback: '',
    status_callback_method: 'POST',
    voice_method: 'POST',
    voice_url: n.voiceUrl ?? '',
    status: 'in-use',
    type: 'local',
    uri: `${accountPath(n.accountSid)}/IncomingPhoneNumbers/${n.sid}.json`,
  };
}

/** A list page as Twilio pages its v2010 lists (`Page`/`PageSize`, `next_page_uri`). */
export function listPage(
  key: string,
  path: string,
  all: Record<string, unknown>[],
  page: number,
  pageSize: number,
): Record<string, unknown> {
  const start = page * pageSize;
  const items = all.slice(start, start + pageSize);
  const pageUri = (p: number): string => `${path}?PageSize=${pageSize}&Page=${p}`;
  return {
    [key]: items,
    end: Math.max(start, start + items.length - 1),
    first_page_uri: pageUri(0),
    next_page_uri: start + pageSize < all.length ? pageUri(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    start,
    uri: pageUri(page),
  };
}
