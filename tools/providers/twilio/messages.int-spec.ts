// Texts both ways and browser calling: status callbacks of each scripted SMS outcome, an inbound text
// posted signed to the application's fixed webhook, and a Voice SDK access token connecting a call.
import twilio from 'twilio';
import { createStandInTwilioClient } from './client';
import { startTwilioStandIn, type TwilioStandIn } from './server';
import { CallbackReceiver, type ReceivedCallback } from './testing/callback-receiver';
import { control } from './testing/control-client';

describe('Twilio stand-in: texts and browser calls', () => {
  let standIn: TwilioStandIn;
  let receiver: CallbackReceiver;
  let client: twilio.Twilio;

  beforeAll(async () => {
    receiver = await new CallbackReceiver().start();
    standIn = await startTwilioStandIn({ timeScale: 0.01, webhookBaseUrl: `${receiver.url}/` });
    client = createStandInTwilioClient(standIn.url, standIn.accountSid, standIn.authToken);
  });
  afterAll(async () => {
    await standIn.stop();
    await receiver.stop();
  });

  const signed = (c: ReceivedCallback): boolean =>
    twilio.validateRequest(standIn.authToken, String(c.headers['x-twilio-signature']), c.url, c.params);
  const statusPath = '/webhooks/twilio/sms/status';

  it.each([
    ['+14155550000', ['queued', 'sent', 'delivered'], undefined],
    ['+14155550001', ['queued', 'sent', 'undelivered'], '30003'],
    ['+14155550002', ['queued', 'sent', 'undelivered'], '30005'],
    ['+14155550003', ['queued', 'failed'], '30006'],
  ])('reports a text to %s as %j, signed', async (to, expected, errorCode) => {
    const message = await client.messages.create({
      to,
      from: standIn.phoneNumbers[0],
      body: 'Your demo is booked',
      statusCallback: `${receiver.url}${statusPath}`,
    });
    const got = await receiver.waitFor(expected.length, statusPath, (c) => c.params.MessageSid === message.sid);
    expect(got.map((c) => c.params.MessageStatus)).toEqual(expected);
    for (const c of got) {
      expect(signed(c)).toBe(true);
      expect(c.params).toMatchObject({ SmsSid: message.sid, AccountSid: standIn.accountSid, To: to, From: standIn.phoneNumbers[0] });
    }
    expect(got[got.length - 1].params.ErrorCode).toBe(errorCode);
    const fetched = await client.messages(message.sid).fetch();
    expect(fetched.status).toBe(expected[expected.length - 1]);
    expect(fetched.errorCode).toBe(errorCode === undefined ? null : Number(errorCode));
  });

  it('posts an inbound text to <webhook base>/webhooks/twilio/sms, signed over that URL', async () => {
    const sent = await control<{ message: { sid: string; direction: string } }>(standIn.url, 'POST', '/sms/inbound', {
      from: '+14155550123',
      to: standIn.phoneNumbers[0],
      body: ' stop ',
    });
    expect(sent.status).toBe(201);
    const [inbound] = await receiver.waitFor(1, '/webhooks/twilio/sms', (c) => c.params.MessageSid === sent.body.message.sid);
    expect(inbound.url).toBe(`${receiver.url}/webhooks/twilio/sms`);
    expect(signed(inbound)).toBe(true);
    expect(inbound.params).toMatchObject({
      From: '+14155550123',
      To: standIn.phoneNumbers[0],
      Body: ' stop ',
      SmsStatus: 'received',
      AccountSid: standIn.accountSid,
      NumMedia: '0',
    });
    expect((await client.messages(sent.body.message.sid).fetch()).direction).toBe('inbound');
  });

  it('refuses an inbound text to a number no account owns', async () => {
    const sent = await control(standIn.url, 'POST', '/sms/inbound', { from: '+14155550123', to: '+14155550999', body: 'hi' });
    expect(sent.status).toBe(404);
  });

  const voiceToken = (identity: string, secret = standIn.apiKeySecret): string => {
    const token = new twilio.jwt.AccessToken(standIn.accountSid, standIn.apiKeySid, secret, { identity, ttl: 3600 });
    token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: `AP${'1'.repeat(32)}` }));
    return token.toJwt();
  };

  it('verifies a Voice access token minted with the SDK, and refuses one signed with another secret', async () => {
    const ok = await control<{ identity: string; accountSid: string }>(standIn.url, 'POST', '/voice/token/verify', {
      token: voiceToken('user-42'),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ identity: 'user-42', accountSid: standIn.accountSid });
    const forged = await control(standIn.url, 'POST', '/voice/token/verify', { token: voiceToken('user-42', 'x'.repeat(32)) });
    expect(forged.status).toBe(401);
  });

  it('connects a browser call: asks the app voice URL for TwiML, signed, and dials what it answers', async () => {
    receiver.respondWith('/webhooks/twilio/voice', '<Response><Dial callerId="+15005550006"><Number>+14155550000</Number></Dial></Response>');
    const connected = await control<{ call: { sid: string; from: string }; twiml: string; dialed: { sid: string; to: string } }>(
      standIn.url,
      'POST',
      '/voice/connect',
      { token: voiceToken('user-7'), to: '+14155550000' },
    );
    expect(connected.status).toBe(201);
    expect(connected.body.call.from).toBe('client:user-7');
    expect(connected.body.dialed.to).toBe('+14155550000');
    const [voice] = receiver.on('/webhooks/twilio/voice', (c) => c.params.CallSid === connected.body.call.sid);
    expect(signed(voice)).toBe(true);
    expect(voice.params).toMatchObject({ From: 'client:user-7', To: '+14155550000', Direction: 'inbound', CallStatus: 'ringing' });
    expect(voice.params.ApplicationSid).toBe(`AP${'1'.repeat(32)}`);
    const waited = await control<{ call: { status: string } }>(standIn.url, 'GET', `/calls/${connected.body.dialed.sid}/wait?status=completed`);
    expect(waited.body.call.status).toBe('completed');
    expect((await client.calls(connected.body.call.sid).fetch()).status).toBe('completed');
  });

  it('ends a browser call the app refuses with <Say> and <Hangup/>, dialling nothing', async () => {
    receiver.respondWith('/webhooks/twilio/voice', '<Response><Say>This number is on the do not call list.</Say><Hangup/></Response>');
    const connected = await control<{ call: { sid: string; status: string }; dialed: unknown }>(standIn.url, 'POST', '/voice/connect', {
      token: voiceToken('user-8'),
      to: '+14155550000',
    });
    expect(connected.body.dialed).toBeNull();
    expect(connected.body.call.status).toBe('completed');
  });
});
