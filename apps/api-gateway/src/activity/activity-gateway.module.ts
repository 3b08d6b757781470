import { Module } from '@nestjs/common';
import { ActivitiesController } from './activities.controller';

/** The activity routes of the public API: validation and access here, everything else in activity-service. */
@Module({
  controllers: [ActivitiesController],
})
export class ActivityGatewayModule {}
