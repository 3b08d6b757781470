export { startTwilioStandIn, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, DEFAULT_PHONE_NUMBER } from './server';
export type { TwilioStandIn, TwilioStandInOptions } from './server';
export { StandInRequestClient, createStandInTwilioClient } from './client';
export { twilioSignature } from './callbacks';
export type { SentCallback, CallbackKind } from './callbacks';
