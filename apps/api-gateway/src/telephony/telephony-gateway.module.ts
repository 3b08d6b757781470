import { Module } from '@nestjs/common';
import { ConsentsController, DncController } from './compliance.controller';

/** The telephony routes of the public API: validation and access here, everything else in telephony-service. */
@Module({
  controllers: [ConsentsController, DncController],
})
export class TelephonyGatewayModule {}
