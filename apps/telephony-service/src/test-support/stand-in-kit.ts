import { control } from '@engage/providers/twilio/control';
import { startTwilioStandIn, type TwilioStandIn } from '@engage/providers/twilio';
import type { CallView } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { TestCallbackGateway } from '../calls/test-callback-gateway';
import { type KitTwilio, startTelephonyKit, type TelephonyKit } from './telephony-test-kit';

/** Noon in San Francisco: inside calling hours for 415 numbers. */
export const SF_NOON = '2026-01-15T20:00:00Z';
/** The rep's phone in bridged calls (the stand-in answers it). */
export const REP_PHONE = '+14155550000';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A call as the stand-in's control API shows it. */
export type StandInCall = { sid: string; to: string; status: string; account_sid: string; direction: string; parent_call_sid?: string | null };

export interface StandInKit {
  standIn: TwilioStandIn;
  gateway: TestCallbackGateway;
  kit: TelephonyKit;
  stop(): Promise<void>;
}

/**
 * The telephony kit talking to a Twilio stand-in of its own (a hundred times faster than real
 * time), whose callbacks reach the services through a test gateway at every webhook path SPEC §4
 * fixes: voice status, recording status, the browser TwiML, SMS status and inbound SMS.
 */
export async function startStandInKit(config: Partial<KitTwilio> = {}): Promise<StandInKit> {
  const standIn = await startTwilioStandIn({ timeScale: 0.01 });
  const gateway = await new TestCallbackGateway().start();
  const kit = await startTelephonyKit({
    TWILIO_API_BASE_URL: standIn.url,
    TWILIO_ACCOUNT_SID: standIn.accountSid,
    TWILIO_AUTH_TOKEN: standIn.authToken,
    TWILIO_API_KEY_SID: standIn.apiKeySid,
    TWILIO_API_KEY_SECRET: standIn.apiKeySecret,
    TWILIO_WEBHOOK_BASE_URL: gateway.url,
    TWILIO_FROM_NUMBER: standIn.phoneNumbers[0],
    ...config,
  });
  gateway
    .attach(kit.voiceCallbacks)
    .route('/webhooks/twilio/recording', (input) => kit.recordings.applyCallback(input))
    .route('/webhooks/twilio/voice', (input) => kit.browserCalls.connect(input))
    .route('/webhooks/twilio/sms/status', (input) => kit.smsCallbacks.applyStatus(input))
    .route('/webhooks/twilio/sms', (input) => kit.smsInbound.receive(input));
  return {
    standIn,
    gateway,
    kit,
    stop: async () => {
      await kit.close();
      await gateway.stop();
      await standIn.stop();
    },
  };
}

/** Waits until the call reaches a final status (the stand-in's callbacks drive it). */
export async function untilFinal(kit: TelephonyKit, ctx: TenantContext, id: string): Promise<CallView> {
  for (let i = 0; i < 200; i++) {
    const call = await kit.calls.get(ctx, id);
    if (['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(call.status)) return call;
    await sleep(25);
  }
  throw new Error(`the call never ended (${(await kit.calls.get(ctx, id)).status})`);
}

/** The newest call the stand-in has to `to`, once it ended and every one of its callbacks was delivered. */
export async function settledLeg(standInUrl: string, to: string): Promise<StandInCall> {
  let leg: StandInCall | undefined;
  for (let i = 0; i < 200 && !leg; i++) {
    const { body } = await control<{ calls: StandInCall[] }>(standInUrl, 'GET', `/calls?to=${encodeURIComponent(to)}`);
    leg = body.calls[body.calls.length - 1];
    if (!leg) await sleep(25);
  }
  if (!leg) throw new Error(`no call to ${to}`);
  await control(standInUrl, 'GET', `/calls/${leg.sid}/wait?status=final&timeoutMs=10000`);
  return (await control<StandInCall>(standInUrl, 'GET', `/calls/${leg.sid}`)).body;
}
