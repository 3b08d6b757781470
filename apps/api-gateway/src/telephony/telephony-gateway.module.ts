import { Module } from '@nestjs/common';
import { CallsController } from './calls.controller';
import { ConsentsController, DncController } from './compliance.controller';
import { PhoneNumbersController } from './phone-numbers.controller';
import { SmsController } from './sms.controller';
import { TwilioAccountController } from './twilio-account.controller';
import { TwilioWebhooksController } from './twilio-webhooks.controller';

/** The telephony routes of the public API and Twilio's callbacks: validation and access here, everything else in telephony-service. */
@Module({
  controllers: [CallsController, ConsentsController, DncController, PhoneNumbersController, SmsController, TwilioWebhooksController, TwilioAccountController],
})
export class TelephonyGatewayModule {}
