import { Injectable } from '@nestjs/common';
import { type ActivityCreatedEvent, type CallUpdatedEvent, type EventEnvelope, Events, type ImportProgressEvent } from '@engage/contracts';
import type { Tx } from '@engage/database';
import { OnEvent } from '@engage/messaging';
import { InboxService } from '../inbox/inbox.service';
import { UserStreams } from '../stream/user-streams';
import { RecordOwners } from './record-owners';

/**
 * What enters users' realtime streams besides their notifications (SPEC section 4): the progress of
 * calls they placed, of imports they started, and activities on records they own. Each event is
 * handled once per consumer (the inbox row commits with the stream entries it appended); calls and
 * activities, the busy ones, are applied up to 16 of a tenant's per transaction, four transactions at a time:
 * one call's updates in order (`order: 'aggregate'`, different calls beside each other), a tenant's new
 * activities in the order they were created.
 */
@Injectable()
export class RealtimeSourcesConsumer {
  constructor(
    private readonly streams: UserStreams,
    private readonly owners: RecordOwners,
    private readonly inbox: InboxService,
  ) {}

  /**
   * A call's status changed: the user who placed it (the call's owner) sees it. An update older
   * than one already applied to the call is skipped, so a screen never goes back from `completed`
   * to `ringing`. Data: the call, with the status it had before.
   */
  @OnEvent(Events.telephony.callUpdated, { durable: 'notification-stream-calls', batch: 16, concurrency: 4, order: 'aggregate' })
  async onCallUpdated(tx: Tx, event: EventEnvelope<CallUpdatedEvent>): Promise<void> {
    const { call, previous_status } = event.payload;
    if (!call?.owner_id) return;
    await this.streams.append(tx, event.tenant_id, call.owner_id, 'call.updated', { ...call, previous_status });
  }

  /**
   * A new activity: the owners of its contact and deal see it (as projected from CRM events, see
   * RecordOwners), and the assignee of a task. Data: the activity.
   */
  @OnEvent(Events.activity.activityCreated, { durable: 'notification-stream-activities', versions: 'every', batch: 16, concurrency: 4 })
  async onActivityCreated(tx: Tx, event: EventEnvelope<ActivityCreatedEvent>): Promise<void> {
    const activity = event.payload.activity;
    const recipients = new Set(await this.owners.ownersOf(tx, event.tenant_id, activity.contact_id, activity.deal_id));
    if (activity.assignee_id) recipients.add(activity.assignee_id);
    for (const userId of [...recipients].sort()) {
      await this.streams.append(tx, event.tenant_id, userId, 'activity.created', { ...activity });
    }
  }

  /**
   * An import moved on: the user who started it sees the counters; when it finished (or failed)
   * they also get a notification. A progress report older than one applied is skipped.
   */
  @OnEvent(Events.crm.importProgress, { durable: 'notification-imports' })
  async onImportProgress(tx: Tx, event: EventEnvelope<ImportProgressEvent>): Promise<void> {
    const progress = event.payload;
    if (!progress.user_id) return;
    await this.streams.append(tx, event.tenant_id, progress.user_id, 'import.progress', { ...progress });
    if (progress.status !== 'completed' && progress.status !== 'failed') return;
    const done = progress.status === 'completed';
    await this.inbox.notify(tx, event.tenant_id, progress.user_id, {
      kind: 'import_completed',
      title: done ? 'Your contact import finished' : 'Your contact import failed',
      body: done
        ? `${progress.created} created, ${progress.updated} updated, ${progress.skipped} skipped, ${progress.failed} failed.`
        : `It stopped after ${progress.processed} rows. Open the import for details.`,
      data: { import_id: progress.import_id, status: progress.status, created: progress.created, updated: progress.updated, skipped: progress.skipped, failed: progress.failed },
      sourceKey: `import:${progress.import_id}:${progress.status}`,
    });
  }
}
