import { eventSubject, rpcSubject } from '../subjects/typed-subject';
import type { CallIdCommand, CallPage, CallView, CreateCallRequest, ListCallsQuery, TwilioWebhookCommand, UpdateCallCommand, WebhookOutcome } from './call.dto';
import type { AddDncRequest, ConsentPage, ConsentView, DncEntryView, DncPage, DncPhoneCommand, ListConsentsQuery, ListDncQuery, RecordConsentRequest } from './compliance.dto';
import type { CallCompletedEvent, CallUpdatedEvent } from './telephony.events';

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
  },
  webhooks: {
    voiceStatus: rpcSubject<TwilioWebhookCommand, WebhookOutcome>('telephony.webhooks.voice_status'),
  },
} as const;

/** Events published by telephony-service (stream EVT_TELEPHONY), with their payload types. */
export const TelephonyEvents = {
  callUpdated: eventSubject<CallUpdatedEvent>('evt.telephony.call.updated', 'call'),
  callCompleted: eventSubject<CallCompletedEvent>('evt.telephony.call.completed', 'call'),
} as const;
