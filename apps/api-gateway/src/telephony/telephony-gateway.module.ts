import { Module } from '@nestjs/common';
import { CallsController } from './calls.controller';
import { ConsentsController, DncController } from './compliance.controller';
import { TwilioWebhooksController } from './twilio-webhooks.controller';

/** The telephony routes of the public API and Twilio's callbacks: validation and access here, everything else in telephony-service. */
@Module({
  controllers: [CallsController, ConsentsController, DncController, TwilioWebhooksController],
})
export class TelephonyGatewayModule {}
