import { type EmptyRequest, eventSubject, rpcSubject } from '../subjects/typed-subject';
import type {
  ActivityIdCommand,
  ActivityPage,
  ActivityView,
  CreateActivityRequest,
  DeleteActivityCommand,
  ListActivitiesQuery,
  UpdateActivityCommand,
} from './activity.dto';
import type { ConnectGmailRequest, EmailBodyCommand, EmailBodyView, GmailAuthorizeUrlView, GmailSettingsView, UpdateGmailSettingsRequest, GmailConnectionChangedEvent, GmailConnectionView, GmailPushCommand, GmailPushReply } from './gmail.dto';
import type { ActivityCreatedEvent, ActivityDeletedEvent, ActivityMentionCreatedEvent, ActivityUpdatedEvent } from './activity.events';

/** NATS request subjects answered by activity-service (`activity.<entity>.<verb>`), with their types. */
export const ActivitySubjects = {
  activities: {
    create: rpcSubject<CreateActivityRequest, ActivityView>('activity.activities.create'),
    get: rpcSubject<ActivityIdCommand, ActivityView>('activity.activities.get'),
    list: rpcSubject<ListActivitiesQuery, ActivityPage>('activity.activities.list'),
    update: rpcSubject<UpdateActivityCommand, ActivityView>('activity.activities.update'),
    delete: rpcSubject<DeleteActivityCommand, void>('activity.activities.delete'),
  },
  /** The caller's own Gmail connection (every method acts for the calling user), and Gmail's pushes. */
  gmail: {
    get: rpcSubject<EmptyRequest, GmailConnectionView>('activity.gmail.get'),
    authorizeUrl: rpcSubject<EmptyRequest, GmailAuthorizeUrlView>('activity.gmail.authorize_url'),
    connect: rpcSubject<ConnectGmailRequest, GmailConnectionView>('activity.gmail.connect'),
    disconnect: rpcSubject<EmptyRequest, GmailConnectionView>('activity.gmail.disconnect'),
    /** A Pub/Sub push from `POST /webhooks/gmail`, with no tenant: the mailbox address finds the connections. */
    push: rpcSubject<GmailPushCommand, GmailPushReply>('activity.gmail.push'),
    /** The tenant's Gmail settings (read by anyone who may connect, changed by admins). */
    settings: rpcSubject<EmptyRequest, GmailSettingsView>('activity.gmail.settings.get'),
    updateSettings: rpcSubject<UpdateGmailSettingsRequest, GmailSettingsView>('activity.gmail.settings.update'),
    /** The stored text of a synced message (when the tenant stores bodies), for whoever may read its activity. */
    body: rpcSubject<EmailBodyCommand, EmailBodyView>('activity.gmail.body'),
  },
} as const;

/** Events published by activity-service (stream EVT_ACTIVITY), with their payload types. */
export const ActivityEvents = {
  activityCreated: eventSubject<ActivityCreatedEvent>('evt.activity.created', 'activity'),
  activityUpdated: eventSubject<ActivityUpdatedEvent>('evt.activity.updated', 'activity'),
  activityDeleted: eventSubject<ActivityDeletedEvent>('evt.activity.deleted', 'activity'),
  mentionCreated: eventSubject<ActivityMentionCreatedEvent>('evt.activity.mention.created', 'activity'),
  /** A Gmail connection was made, removed, or lost Google's consent (notification-service tells the user). */
  gmailConnectionChanged: eventSubject<GmailConnectionChangedEvent>('evt.activity.gmail.connection_changed', 'gmail_connection'),
} as const;
