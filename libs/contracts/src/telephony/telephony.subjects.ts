import { eventSubject, rpcSubject, type EmptyRequest } from '../subjects/typed-subject';
import type {
  CallIdCommand,
  CallPage,
  CallView,
  CreateCallRequest,
  ListCallsQuery,
  RecordingChunk,
  RecordingChunkCommand,
  RecordingInfo,
  TwilioWebhookCommand,
  TwimlReply,
  UpdateCallCommand,
  VoiceTokenView,
  WebhookOutcome,
} from './call.dto';
import type { ConnectTwilioAccountRequest, CreateTwilioSubaccountRequest, TwilioAccountChangedEvent, TwilioAccountView } from './account.dto';
import type { ListSmsQuery, SendSmsRequest, SmsPage, SmsView } from './sms.dto';
import type { PhoneNumberCommand, PhoneNumberView } from './phone-number.dto';
import type { AddDncRequest, ConsentPage, ConsentView, DncEntryView, DncPage, DncPhoneCommand, ListConsentsQuery, ListDncQuery, RecordConsentRequest } from './compliance.dto';
import type { CallCompletedEvent, CallUpdatedEvent, ComplianceRefusedEvent, SmsReceivedEvent, SmsSentEvent } from './telephony.events';

/** NATS request subjects answered by telephony-service (`telephony.<entity>.<verb>`), with their types. */
export const TelephonySubjects = {
  consents: {
    record: rpcSubject<RecordConsentRequest, ConsentView>('telephony.consents.record'),
    list: rpcSubject<ListConsentsQuery, ConsentPage>('telephony.consents.list'),
  },
  dnc: {
    add: rpcSubject<AddDncRequest, DncEntryView>('telephony.dnc.add'),
    list: rpcSubject<ListDncQuery, DncPage>('telephony.dnc.list'),
    remove: rpcSubject<DncPhoneCommand, void>('telephony.dnc.remove'),
  },
  calls: {
    create: rpcSubject<CreateCallRequest, CallView>('telephony.calls.create'),
    get: rpcSubject<CallIdCommand, CallView>('telephony.calls.get'),
    list: rpcSubject<ListCallsQuery, CallPage>('telephony.calls.list'),
    update: rpcSubject<UpdateCallCommand, CallView>('telephony.calls.update'),
    hangup: rpcSubject<CallIdCommand, CallView>('telephony.calls.hangup'),
    token: rpcSubject<EmptyRequest, VoiceTokenView>('telephony.calls.token'),
    recording: rpcSubject<CallIdCommand, RecordingInfo>('telephony.calls.recording'),
    recordingChunk: rpcSubject<RecordingChunkCommand, RecordingChunk>('telephony.calls.recording_chunk'),
  },
  sms: {
    send: rpcSubject<SendSmsRequest, SmsView>('telephony.sms.send'),
    list: rpcSubject<ListSmsQuery, SmsPage>('telephony.sms.list'),
  },
  phoneNumbers: {
    get: rpcSubject<PhoneNumberCommand, PhoneNumberView>('telephony.phone_numbers.get'),
  },
  twilioAccount: {
    get: rpcSubject<EmptyRequest, TwilioAccountView>('telephony.twilio_account.get'),
    connect: rpcSubject<ConnectTwilioAccountRequest, TwilioAccountView>('telephony.twilio_account.connect'),
    createSubaccount: rpcSubject<CreateTwilioSubaccountRequest, TwilioAccountView>('telephony.twilio_account.create_subaccount'),
    disconnect: rpcSubject<EmptyRequest, TwilioAccountView>('telephony.twilio_account.disconnect'),
  },
  webhooks: {
    voiceStatus: rpcSubject<TwilioWebhookCommand, WebhookOutcome>('telephony.webhooks.voice_status'),
    smsStatus: rpcSubject<TwilioWebhookCommand, WebhookOutcome>('telephony.webhooks.sms_status'),
    smsInbound: rpcSubject<TwilioWebhookCommand, WebhookOutcome>('telephony.webhooks.sms_inbound'),
    voice: rpcSubject<TwilioWebhookCommand, TwimlReply>('telephony.webhooks.voice'),
    recording: rpcSubject<TwilioWebhookCommand, WebhookOutcome>('telephony.webhooks.recording'),
  },
} as const;

/** Events published by telephony-service (stream EVT_TELEPHONY), with their payload types. */
export const TelephonyEvents = {
  callUpdated: eventSubject<CallUpdatedEvent>('evt.telephony.call.updated', 'call'),
  callCompleted: eventSubject<CallCompletedEvent>('evt.telephony.call.completed', 'call'),
  smsSent: eventSubject<SmsSentEvent>('evt.telephony.sms.sent', 'sms'),
  smsReceived: eventSubject<SmsReceivedEvent>('evt.telephony.sms.received', 'sms'),
  complianceRefused: eventSubject<ComplianceRefusedEvent>('evt.telephony.compliance.refused', 'compliance'),
  twilioAccountChanged: eventSubject<TwilioAccountChangedEvent>('evt.telephony.twilio_account.changed', 'twilio_account'),
} as const;
