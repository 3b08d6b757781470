import type { ActivityType, ActivityView } from './activity.dto';

/** Payloads of the events activity-service publishes (inside an EventEnvelope). */

/** Every new activity, written by a person or recorded from another service's event (realtime, webhooks). */
export interface ActivityCreatedEvent {
  activity: ActivityView;
}

/** A note, meeting or task was edited. */
export interface ActivityUpdatedEvent {
  activity: ActivityView;
  /** Names of the fields the request set. */
  changed: string[];
}

/** A note, meeting or task was deleted: where it was shown, so timelines can drop it. */
export interface ActivityDeletedEvent {
  activity_id: string;
  type: ActivityType;
  contact_id: string | null;
  deal_id: string | null;
  company_id: string | null;
}

/**
 * Someone was @mentioned (`<@user-id>`) in an activity, once per mentioned active user of the
 * tenant, for notification-service to tell them. Not sent to the author for mentioning themselves,
 * nor again when an edit keeps a mention that was already there.
 */
export interface ActivityMentionCreatedEvent {
  activity_id: string;
  activity_type: ActivityType;
  mentioned_user_id: string;
  author_id: string | null;
  contact_id: string | null;
  deal_id: string | null;
  company_id: string | null;
  subject: string | null;
  /** The start of the text, for the notification (mentions left as markup). */
  excerpt: string;
}
