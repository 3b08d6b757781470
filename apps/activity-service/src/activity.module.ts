import { Module } from '@nestjs/common';
import { IdentityUserDirectory, UserDirectory } from '@engage/access';
import { ActivitiesHandler } from './activities/activities.handler';
import { ActivitiesRepository } from './activities/activities.repository';
import { ActivitiesService } from './activities/activities.service';
import { CrmRecords, NatsCrmRecords } from './activities/crm-records';
import { CrmTimelineConsumer } from './timeline/crm-timeline.consumer';
import { TelephonyTimelineConsumer } from './timeline/telephony-timeline.consumer';
import { TimelineWriter } from './timeline/timeline-writer';

/**
 * The timeline: activities people write (notes, meetings, tasks, with @mentions) and those
 * recorded from other services' events (calls, texts, deal stage changes), with merges and
 * erasures of contacts applied to it.
 */
@Module({
  controllers: [ActivitiesHandler],
  providers: [
    ActivitiesRepository,
    ActivitiesService,
    TimelineWriter,
    TelephonyTimelineConsumer,
    CrmTimelineConsumer,
    { provide: CrmRecords, useClass: NatsCrmRecords },
    { provide: UserDirectory, useClass: IdentityUserDirectory },
  ],
  exports: [ActivitiesService, TimelineWriter],
})
export class ActivityModule {}
