// A call's life as the real twilio SDK starts it and a real HTTP receiver sees it: the callback
// sequence of each scripted outcome, Twilio's fields, and signatures the SDK itself accepts.
import twilio from 'twilio';
import { createStandInTwilioClient } from './client';
import { startTwilioStandIn, type TwilioStandIn } from './server';
import { CallbackReceiver, type ReceivedCallback } from './testing/callback-receiver';
import { control } from './testing/control-client';

const ALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

describe('Twilio stand-in: calls', () => {
  let standIn: TwilioStandIn;
  let receiver: CallbackReceiver;
  let client: twilio.Twilio;
  let from: string;

  beforeAll(async () => {
    standIn = await startTwilioStandIn({ timeScale: 0.01 });
    receiver = await new CallbackReceiver().start();
    client = createStandInTwilioClient(standIn.url, standIn.accountSid, standIn.authToken);
    from = standIn.phoneNumbers[0];
  });
  afterAll(async () => {
    await standIn.stop();
    await receiver.stop();
  });

  const dial = (to: string, extra: Record<string, unknown> = {}) =>
    client.calls.create({
      to,
      from,
      twiml: '<Response><Say>Hello</Say><Pause length="60"/></Response>',
      statusCallback: `${receiver.url}/webhooks/twilio/voice/status`,
      statusCallbackEvent: ALL_EVENTS,
      ...extra,
    });
  const statuses = (sid: string): string[] =>
    receiver.on('/webhooks/twilio/voice/status', (c) => c.params.CallSid === sid).map((c) => c.params.CallStatus);
  const waitFinal = async (sid: string): Promise<void> => {
    const { status } = await control(standIn.url, 'GET', `/calls/${sid}/wait?status=final&timeoutMs=10000`);
    expect(status).toBe(200);
  };
  const validSignature = (c: ReceivedCallback): boolean =>
    twilio.validateRequest(standIn.authToken, String(c.headers['x-twilio-signature']), c.url, c.params);

  it('drives an answered call through initiated, ringing, in-progress and completed with signed, complete callbacks', async () => {
    const call = await dial('+14155550000');
    expect(call.status).toBe('queued');
    expect(call.direction).toBe('outbound-api');
    await waitFinal(call.sid);
    const received = receiver.on('/webhooks/twilio/voice/status', (c) => c.params.CallSid === call.sid);
    expect(received.map((c) => c.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(received.map((c) => c.params.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    for (const c of received) {
      expect(validSignature(c)).toBe(true);
      expect(c.params).toMatchObject({
        AccountSid: standIn.accountSid,
        From: from,
        To: '+14155550000',
        Direction: 'outbound-api',
        ApiVersion: '2010-04-01',
        CallbackSource: 'call-progress-events',
      });
      expect(c.params.Timestamp).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    }
    const completed = received[3].params;
    expect(completed.CallDuration).toBe('5');
    expect(completed.Duration).toBe('1');
    const fetched = await client.calls(call.sid).fetch();
    expect(fetched.status).toBe('completed');
    expect(fetched.duration).toBe(completed.CallDuration);
    expect(fetched.endTime).toBeInstanceOf(Date);
  });

  it('a signature made with another token or over another URL does not validate', async () => {
    const call = await dial('+14155550000');
    await waitFinal(call.sid);
    const c = receiver.on('/webhooks/twilio/voice/status', (r) => r.params.CallSid === call.sid)[0];
    const signature = String(c.headers['x-twilio-signature']);
    expect(twilio.validateRequest('0'.repeat(32), signature, c.url, c.params)).toBe(false);
    expect(twilio.validateRequest(standIn.authToken, signature, `${c.url}x`, c.params)).toBe(false);
    expect(twilio.validateRequest(standIn.authToken, signature, c.url, { ...c.params, CallStatus: 'busy' })).toBe(false);
  });

  it.each([
    ['+14155550001', ['initiated', 'ringing', 'busy']],
    ['+14155550002', ['initiated', 'ringing', 'no-answer']],
    ['+14155550003', ['initiated', 'failed']],
  ])('scripts %s to end as %j', async (to, expected) => {
    const call = await dial(to, { timeout: 5 });
    await waitFinal(call.sid);
    expect(statuses(call.sid)).toEqual(expected);
    const last = receiver.on('/webhooks/twilio/voice/status', (c) => c.params.CallSid === call.sid).pop();
    expect(last?.params.CallDuration).toBe('0');
    expect((await client.calls(call.sid).fetch()).status).toBe(expected[expected.length - 1]);
  });

  it('reports a machine answering …0004 as AnsweredBy machine_start when machine detection is on', async () => {
    const call = await dial('+14155550004', { machineDetection: 'Enable' });
    await waitFinal(call.sid);
    const received = receiver.on('/webhooks/twilio/voice/status', (c) => c.params.CallSid === call.sid);
    expect(received.map((c) => c.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(received[2].params.AnsweredBy).toBe('machine_start');
    expect((await client.calls(call.sid).fetch()).answeredBy).toBe('machine_start');
  });

  it('sends only the completed callback when no StatusCallbackEvent is given, as Twilio does', async () => {
    const call = await dial('+14155550000', { statusCallbackEvent: undefined });
    await waitFinal(call.sid);
    expect(statuses(call.sid)).toEqual(['completed']);
  });

  it('hangs up a held conversation through calls(sid).update({ status: "completed" })', async () => {
    const call = await dial('+14155550005');
    await control(standIn.url, 'GET', `/calls/${call.sid}/wait?status=in-progress`);
    const updated = await client.calls(call.sid).update({ status: 'completed' });
    expect(updated.status).toBe('completed');
    await waitFinal(call.sid);
    expect(statuses(call.sid)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
  });

  it('cancels a call that is still ringing, and refuses to redirect it', async () => {
    const call = await dial('+14155550006');
    await control(standIn.url, 'GET', `/calls/${call.sid}/wait?status=ringing`);
    await expect(client.calls(call.sid).update({ twiml: '<Response><Hangup/></Response>' })).rejects.toMatchObject({
      status: 400,
      code: 21220,
    });
    const updated = await client.calls(call.sid).update({ status: 'canceled' });
    expect(updated.status).toBe('canceled');
    await waitFinal(call.sid);
    expect(statuses(call.sid)).toEqual(['initiated', 'ringing', 'canceled']);
  });

  it('answers a held ringing call when released through the control API', async () => {
    const call = await dial('+14155550006');
    await control(standIn.url, 'GET', `/calls/${call.sid}/wait?status=ringing`);
    const released = await control(standIn.url, 'POST', `/calls/${call.sid}/release`);
    expect(released.status).toBe(200);
    await waitFinal(call.sid);
    expect(statuses(call.sid)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect((await control(standIn.url, 'POST', `/calls/${call.sid}/release`)).status).toBe(409);
  });

  it('a wait that is not met in time answers 408 with the call as it is', async () => {
    const call = await dial('+14155550005');
    const waited = await control<{ call: { status: string } }>(standIn.url, 'GET', `/calls/${call.sid}/wait?status=busy&timeoutMs=200`);
    expect(waited.status).toBe(408);
    expect(['queued', 'ringing', 'in-progress']).toContain(waited.body.call.status);
    await client.calls(call.sid).update({ status: 'completed' });
  });
});
