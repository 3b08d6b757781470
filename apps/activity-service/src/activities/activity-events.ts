import { type ActivityView, Events } from '@engage/contracts';
import { type NewEvent, outboxEvent } from '@engage/messaging';
import { excerptOf } from './mentions';

/** `evt.activity.created`, which every new activity announces (realtime, webhooks). */
export const activityCreated = (activity: ActivityView): NewEvent =>
  outboxEvent(Events.activity.activityCreated, { aggregateId: activity.id, version: activity.version, payload: { activity } });

/** One `evt.activity.mention.created` per user to notify about `activity`. */
export const mentionsCreated = (activity: ActivityView, userIds: readonly string[]): NewEvent[] =>
  userIds.map((userId) =>
    outboxEvent(Events.activity.mentionCreated, {
      aggregateId: activity.id,
      version: activity.version,
      payload: {
        activity_id: activity.id,
        activity_type: activity.type,
        mentioned_user_id: userId,
        author_id: activity.actor_id,
        contact_id: activity.contact_id,
        deal_id: activity.deal_id,
        company_id: activity.company_id,
        subject: activity.subject,
        excerpt: excerptOf(activity.body ?? ''),
      },
    }),
  );
