// The REST surface as the SDK sees it: Twilio's auth, error bodies and validation codes, messages,
// numbers, subaccounts, Lookup v2, and the URL mapping of StandInRequestClient.
import twilio from 'twilio';
import { createStandInTwilioClient, StandInRequestClient } from './client';
import { startTwilioStandIn, type TwilioStandIn } from './server';

describe('Twilio stand-in: REST API', () => {
  let standIn: TwilioStandIn;
  let client: twilio.Twilio;

  beforeAll(async () => {
    standIn = await startTwilioStandIn({ timeScale: 0.01 });
    client = createStandInTwilioClient(standIn.url, standIn.accountSid, standIn.authToken);
  });
  afterAll(() => standIn.stop());

  const callParams = { to: '+14155550000', from: '+15005550006', twiml: '<Response><Hangup/></Response>' };

  it('answers 401 with Twilio error 20003 to a wrong auth token, and to no credentials', async () => {
    const wrong = createStandInTwilioClient(standIn.url, standIn.accountSid, 'f'.repeat(32));
    await expect(wrong.calls.create(callParams)).rejects.toMatchObject({
      status: 401,
      code: 20003,
      moreInfo: 'https://www.twilio.com/docs/errors/20003',
    });
    const bare = await fetch(`${standIn.url}/2010-04-01/Accounts/${standIn.accountSid}/Calls.json`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it('answers 404 with Twilio error 20404 for an unknown CallSid, MessageSid or RecordingSid', async () => {
    const missing = `CA${'0'.repeat(32)}`;
    await expect(client.calls(missing).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client.calls(missing).update({ status: 'completed' })).rejects.toMatchObject({ status: 404 });
    await expect(client.messages(`SM${'0'.repeat(32)}`).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client.recordings(`RE${'0'.repeat(32)}`).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('refuses calls Twilio would refuse, with Twilio codes', async () => {
    await expect(client.calls.create({ ...callParams, to: '+1415' })).rejects.toMatchObject({ status: 400, code: 21211 });
    await expect(client.calls.create({ ...callParams, from: '+14155559999' })).rejects.toMatchObject({ status: 400, code: 21210 });
    await expect(client.calls.create({ to: '+14155550000', from: '+15005550006' })).rejects.toMatchObject({ code: 21205 });
    await expect(client.calls.create({ ...callParams, timeout: 0 })).rejects.toMatchObject({ code: 21216 });
    await expect(
      client.calls.create({ ...callParams, statusCallback: 'http://127.0.0.1:9/', statusCallbackEvent: ['dialing'] }),
    ).rejects.toMatchObject({ code: 21626 });
  });

  it('answers garbage and oversized bodies with a Twilio error, never a 500', async () => {
    const url = `${standIn.url}/2010-04-01/Accounts/${standIn.accountSid}/Calls.json`;
    const authorization = `Basic ${Buffer.from(`${standIn.accountSid}:${standIn.authToken}`).toString('base64')}`;
    const garbage = await fetch(url, { method: 'POST', headers: { authorization }, body: '\u0000%%%{not a form' });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ code: 21201, status: 400 });
    const huge = await fetch(url, { method: 'POST', headers: { authorization }, body: `To=${'1'.repeat(2 * 1024 * 1024)}` });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ status: 413 });
    const control = await fetch(`${standIn.url}/_standin/calls/CA${'0'.repeat(32)}/release`, { method: 'POST' });
    expect(control.status).toBe(404);
  });

  it('lists and fetches calls, newest first, filtered by To', async () => {
    const first = await client.calls.create({ ...callParams, to: '+14155553100' });
    const second = await client.calls.create({ ...callParams, to: '+14155553100' });
    const listed = await client.calls.list({ to: '+14155553100' });
    expect(listed.map((c) => c.sid)).toEqual([second.sid, first.sid]);
    expect((await client.calls(first.sid).fetch()).to).toBe('+14155553100');
  });

  it('sends a text and refuses texts Twilio would refuse', async () => {
    const message = await client.messages.create({ to: '+14155550000', from: '+15005550006', body: 'Hi there' });
    expect(message).toMatchObject({ status: 'queued', direction: 'outbound-api', body: 'Hi there', numSegments: '1' });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect((await client.messages(message.sid).fetch()).to).toBe('+14155550000');
    await expect(client.messages.create({ to: '+14155550000', from: '+15005550006', body: '' })).rejects.toMatchObject({ code: 21602 });
    await expect(client.messages.create({ to: 'nope', from: '+15005550006', body: 'x' })).rejects.toMatchObject({ code: 21211 });
    await expect(client.messages.create({ to: '+14155550000', from: '+14155550009', body: 'x' })).rejects.toMatchObject({ code: 21606 });
    await expect(
      client.messages.create({ to: '+14155550000', from: '+15005550006', body: 'x'.repeat(1601) }),
    ).rejects.toMatchObject({ code: 21617 });
  });

  it('lists the account numbers and buys one, which can then place calls', async () => {
    expect((await client.incomingPhoneNumbers.list()).map((n) => n.phoneNumber)).toEqual(['+15005550006']);
    const bought = await client.incomingPhoneNumbers.create({ phoneNumber: '+14155557777', smsUrl: 'http://127.0.0.1:9/sms' });
    expect(bought).toMatchObject({ phoneNumber: '+14155557777', smsUrl: 'http://127.0.0.1:9/sms' });
    await expect(client.incomingPhoneNumbers.create({ phoneNumber: '+14155557777' })).rejects.toMatchObject({ code: 21422 });
    const call = await client.calls.create({ ...callParams, from: '+14155557777' });
    expect(call.from).toBe('+14155557777');
  });

  it('keeps a subaccount apart: its own credentials, numbers and calls, reachable by the parent too', async () => {
    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Tenant A' });
    expect(sub.ownerAccountSid).toBe(standIn.accountSid);
    const subClient = createStandInTwilioClient(standIn.url, sub.sid, sub.authToken);
    await expect(subClient.calls.create(callParams)).rejects.toMatchObject({ code: 21210 }); // not its number
    await subClient.incomingPhoneNumbers.create({ phoneNumber: '+14155558888' });
    const call = await subClient.calls.create({ ...callParams, from: '+14155558888' });
    expect(call.accountSid).toBe(sub.sid);
    await expect(client.calls(call.sid).fetch()).rejects.toMatchObject({ status: 404 }); // not in the parent's list
    expect((await client.api.v2010.accounts(sub.sid).calls(call.sid).fetch()).sid).toBe(call.sid);
    const other = await client.api.v2010.accounts.create({ friendlyName: 'Tenant B' });
    const otherClient = createStandInTwilioClient(standIn.url, other.sid, other.authToken);
    await expect(otherClient.api.v2010.accounts(sub.sid).calls(call.sid).fetch()).rejects.toMatchObject({ status: 404 });
  });

  it('looks up a number on lookups.twilio.com: valid mobile, landline for …0003, invalid for garbage', async () => {
    const mobile = await client.lookups.v2.phoneNumbers('+14155550000').fetch({ fields: 'line_type_intelligence' });
    expect(mobile).toMatchObject({ valid: true, countryCode: 'US', callingCountryCode: '1', nationalFormat: '(415) 555-0000' });
    expect(mobile.lineTypeIntelligence).toMatchObject({ type: 'mobile' });
    const landline = await client.lookups.v2.phoneNumbers('+14155550003').fetch({ fields: 'line_type_intelligence' });
    expect(landline.lineTypeIntelligence).toMatchObject({ type: 'landline' });
    const plain = await client.lookups.v2.phoneNumbers('+14155550003').fetch();
    expect(plain.lineTypeIntelligence).toBeNull();
    const garbage = await client.lookups.v2.phoneNumbers('12').fetch();
    expect(garbage.valid).toBe(false);
    expect(garbage.validationErrors.length).toBeGreaterThan(0);
  });

  it('maps every Twilio host to the stand-in and leaves other hosts alone', () => {
    const requestClient = new StandInRequestClient(`${standIn.url}/`);
    expect(requestClient.rewrite('https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?Page=1')).toBe(
      `${standIn.url}/2010-04-01/Accounts/AC1/Calls.json?Page=1`,
    );
    expect(requestClient.rewrite('https://lookups.twilio.com/v2/PhoneNumbers/%2B1415')).toBe(
      `${standIn.url}/lookups/v2/PhoneNumbers/%2B1415`,
    );
    expect(requestClient.rewrite('https://api.sydney.au1.twilio.com/2010-04-01/x')).toBe(`${standIn.url}/2010-04-01/x`);
    expect(requestClient.rewrite('https://example.com/a')).toBe('https://example.com/a');
  });

  it('describes itself with what .engage/providers.json records', () => {
    expect(standIn.describe()).toMatchObject({
      url: standIn.url,
      accountSid: standIn.accountSid,
      authToken: standIn.authToken,
      controlUrl: `${standIn.url}/_standin`,
      webhookBaseUrl: '',
    });
  });
});
