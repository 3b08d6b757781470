// What a receiver must survive (the same callback twice, callbacks out of order) and what follows
// from TwiML (a <Dial> ringing a second leg, <Hangup/>), plus recordings and their media.
import twilio from 'twilio';
import { createStandInTwilioClient } from './client';
import { startTwilioStandIn, type TwilioStandIn } from './server';
import { CallbackReceiver } from './testing/callback-receiver';
import { control } from './testing/control-client';

describe('Twilio stand-in: delivery, TwiML and recordings', () => {
  let standIn: TwilioStandIn;
  let receiver: CallbackReceiver;
  let client: twilio.Twilio;

  beforeAll(async () => {
    standIn = await startTwilioStandIn({ timeScale: 0.01 });
    receiver = await new CallbackReceiver().start();
    client = createStandInTwilioClient(standIn.url, standIn.accountSid, standIn.authToken);
  });
  afterAll(async () => {
    await standIn.stop();
    await receiver.stop();
  });

  const statusPath = '/webhooks/twilio/voice/status';
  const dial = (to: string, extra: Record<string, unknown> = {}) =>
    client.calls.create({
      to,
      from: standIn.phoneNumbers[0],
      twiml: '<Response><Pause length="60"/></Response>',
      statusCallback: `${receiver.url}${statusPath}`,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      ...extra,
    });
  const finished = (sid: string) => control(standIn.url, 'GET', `/calls/${sid}/wait?status=final`);
  const received = (sid: string) => receiver.on(statusPath, (c) => c.params.CallSid === sid);

  it('delivers every callback twice, identical, to a number set to duplicate delivery', async () => {
    await control(standIn.url, 'PUT', '/delivery', { number: '+14155551000', mode: 'duplicate' });
    const call = await dial('+14155551000');
    await finished(call.sid);
    const got = received(call.sid);
    expect(got.map((c) => c.params.CallStatus)).toEqual([
      'initiated', 'initiated', 'ringing', 'ringing', 'in-progress', 'in-progress', 'completed', 'completed',
    ]);
    expect(got[0].params).toEqual(got[1].params);
    expect(got[0].headers['x-twilio-signature']).toBe(got[1].headers['x-twilio-signature']);
    expect(got[0].headers['i-twilio-idempotency-token']).toBe(got[1].headers['i-twilio-idempotency-token']);
  });

  it('holds the callbacks of a number set to reverse delivery and sends them last-first when the call ends', async () => {
    await control(standIn.url, 'PUT', '/delivery', { number: '+14155552000', mode: 'reverse' });
    const call = await dial('+14155552000');
    await finished(call.sid);
    const got = received(call.sid);
    expect(got.map((c) => c.params.CallStatus)).toEqual(['completed', 'in-progress', 'ringing', 'initiated']);
    expect(got.map((c) => c.params.SequenceNumber)).toEqual(['3', '2', '1', '0']);
    for (const c of got) {
      expect(twilio.validateRequest(standIn.authToken, String(c.headers['x-twilio-signature']), c.url, c.params)).toBe(true);
    }
  });

  it('replays the callbacks already sent, in reverse, on request, and logs them as replays', async () => {
    const call = await dial('+14155550000');
    await finished(call.sid);
    const replay = await control<{ callbacks: Array<{ replayOf?: number; params: Record<string, string> }> }>(
      standIn.url, 'POST', `/calls/${call.sid}/replay`, { order: 'reverse' },
    );
    expect(replay.status).toBe(200);
    expect(replay.body.callbacks.map((c) => c.params.CallStatus)).toEqual(['completed', 'in-progress', 'ringing', 'initiated']);
    expect(replay.body.callbacks.every((c) => typeof c.replayOf === 'number')).toBe(true);
    expect(received(call.sid).map((c) => c.params.CallStatus)).toEqual([
      'initiated', 'ringing', 'in-progress', 'completed', 'completed', 'in-progress', 'ringing', 'initiated',
    ]);
    const log = await control<{ callbacks: unknown[] }>(standIn.url, 'GET', `/callbacks?sid=${call.sid}`);
    expect(log.body.callbacks).toHaveLength(8);
  });

  it('asks the voice URL for TwiML on answer, signed, and ends the call on <Hangup/>', async () => {
    receiver.respondWith('/webhooks/twilio/voice', '<?xml version="1.0"?><Response><Hangup/></Response>');
    const call = await dial('+14155559060', { twiml: undefined, url: `${receiver.url}/webhooks/twilio/voice` });
    await finished(call.sid);
    const [voice] = receiver.on('/webhooks/twilio/voice', (c) => c.params.CallSid === call.sid);
    expect(voice.params.CallStatus).toBe('in-progress');
    expect(twilio.validateRequest(standIn.authToken, String(voice.headers['x-twilio-signature']), voice.url, voice.params)).toBe(true);
    // Scripted to talk 60 s, but the TwiML hung up at once.
    expect(Number(received(call.sid).pop()?.params.CallDuration)).toBeLessThan(60);
  });

  it('bridges with <Dial>: the dialled leg rings as scripted, reports to its own callback, and the parent ends with it', async () => {
    receiver.respondWith(
      '/bridge',
      `<Response><Dial action="/bridge/done" timeout="20"><Number statusCallback="${receiver.url}/leg" ` +
        'statusCallbackEvent="initiated ringing answered completed">+14155550001</Number></Dial></Response>',
    );
    const call = await dial('+14155550000', { twiml: undefined, url: `${receiver.url}/bridge` });
    await finished(call.sid);
    const leg = await receiver.waitFor(3, '/leg');
    expect(leg.map((c) => c.params.CallStatus)).toEqual(['initiated', 'ringing', 'busy']);
    expect(leg[0].params).toMatchObject({ ParentCallSid: call.sid, Direction: 'outbound-dial', To: '+14155550001' });
    const [done] = await receiver.waitFor(1, '/bridge/done');
    expect(done.params).toMatchObject({ CallSid: call.sid, DialCallStatus: 'busy', DialCallSid: leg[0].params.CallSid });
    expect((await client.calls(call.sid).fetch()).status).toBe('completed');
    const children = await client.calls.list({ parentCallSid: call.sid });
    expect(children.map((c) => c.status)).toEqual(['busy']);
  });

  it('records an answered call: recording callbacks, fetch, WAV and MP3 media, Range, then delete', async () => {
    const call = await dial('+14155550000', {
      record: true,
      recordingStatusCallback: `${receiver.url}/webhooks/twilio/recording`,
      recordingStatusCallbackEvent: ['in-progress', 'completed'],
    });
    await finished(call.sid);
    const events = await receiver.waitFor(2, '/webhooks/twilio/recording', (c) => c.params.CallSid === call.sid);
    expect(events.map((c) => c.params.RecordingStatus)).toEqual(['in-progress', 'completed']);
    const done = events[1];
    expect(twilio.validateRequest(standIn.authToken, String(done.headers['x-twilio-signature']), done.url, done.params)).toBe(true);
    expect(done.params).toMatchObject({ RecordingDuration: '5', RecordingChannels: '1', AccountSid: standIn.accountSid });
    const sid = done.params.RecordingSid;
    expect(done.params.RecordingUrl).toBe(`${standIn.url}/2010-04-01/Accounts/${standIn.accountSid}/Recordings/${sid}`);

    const recording = await client.recordings(sid).fetch();
    expect(recording).toMatchObject({ callSid: call.sid, duration: '5', status: 'completed', channels: 1 });

    const auth = { authorization: `Basic ${Buffer.from(`${standIn.accountSid}:${standIn.authToken}`).toString('base64')}` };
    const wav = await fetch(`${done.params.RecordingUrl}.wav`, { headers: auth });
    expect(wav.status).toBe(200);
    expect(wav.headers.get('content-type')).toBe('audio/x-wav');
    const audio = Buffer.from(await wav.arrayBuffer());
    expect(audio.toString('ascii', 0, 4)).toBe('RIFF');
    expect(audio.toString('ascii', 8, 12)).toBe('WAVE');
    expect(audio.readUInt32LE(4)).toBe(audio.length - 8);
    const byteRate = audio.readUInt32LE(28);
    expect(audio.readUInt32LE(40) / byteRate).toBe(5); // seconds of audio = the recording's duration

    const part = await fetch(`${done.params.RecordingUrl}.wav`, { headers: { ...auth, range: 'bytes=0-43' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-43/${audio.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(audio.subarray(0, 44));

    const mp3 = Buffer.from(await (await fetch(`${done.params.RecordingUrl}.mp3`, { headers: auth })).arrayBuffer());
    expect(mp3.readUInt16BE(0) & 0xffe0).toBe(0xffe0); // MPEG frame sync
    expect(mp3.readUInt16BE(417) & 0xffe0).toBe(0xffe0); // and the next frame

    expect((await fetch(`${done.params.RecordingUrl}.wav`)).status).toBe(401);
    expect(await client.recordings(sid).remove()).toBe(true);
    await expect(client.recordings(sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    expect((await fetch(`${done.params.RecordingUrl}.wav`, { headers: auth })).status).toBe(404);
  });

  it('does not record a call nobody answered', async () => {
    const call = await dial('+14155550001', { record: true, recordingStatusCallback: `${receiver.url}/rec-none` });
    await finished(call.sid);
    expect(await client.recordings.list({ callSid: call.sid })).toEqual([]);
    expect(receiver.on('/rec-none')).toEqual([]);
  });
});
