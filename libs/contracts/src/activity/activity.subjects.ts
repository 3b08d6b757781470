import { eventSubject, rpcSubject } from '../subjects/typed-subject';
import type {
  ActivityIdCommand,
  ActivityPage,
  ActivityView,
  CreateActivityRequest,
  DeleteActivityCommand,
  ListActivitiesQuery,
  UpdateActivityCommand,
} from './activity.dto';
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
} as const;

/** Events published by activity-service (stream EVT_ACTIVITY), with their payload types. */
export const ActivityEvents = {
  activityCreated: eventSubject<ActivityCreatedEvent>('evt.activity.created', 'activity'),
  activityUpdated: eventSubject<ActivityUpdatedEvent>('evt.activity.updated', 'activity'),
  activityDeleted: eventSubject<ActivityDeletedEvent>('evt.activity.deleted', 'activity'),
  mentionCreated: eventSubject<ActivityMentionCreatedEvent>('evt.activity.mention.created', 'activity'),
} as const;
