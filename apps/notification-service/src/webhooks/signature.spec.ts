import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signatureHeader, signatureOf, webhookIdOf } from './signature';

describe('Standard Webhooks signatures (verified by the standardwebhooks package)', () => {
  const body = JSON.stringify({ type: 'contact.created', timestamp: '2026-12-02T08:00:00.000Z', data: { id: 'c1', name: 'Ada “Lovelace” ✓' } });

  it('makes secrets of 24 random bytes, prefixed whsec_', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('signs so that Webhook.verify accepts the delivery', () => {
    const secret = newWebhookSecret();
    const id = webhookIdOf('0b9f1c1e-7a0b-4c3e-9a55-6a7c7d1e2f30', '1d2c3b4a-0000-4000-8000-000000000001');
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signatureHeader([secret], id, ts, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('carries both signatures during a rotation: either secret verifies', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const ts = Math.floor(Date.now() / 1000);
    const header = signatureHeader([current, previous], 'msg_x', ts, body);
    expect(header.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': 'msg_x', 'webhook-timestamp': String(ts), 'webhook-signature': header };
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('a changed body or timestamp does not verify', () => {
    const secret = newWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg_y', 'webhook-timestamp': String(ts), 'webhook-signature': signatureOf(secret, 'msg_y', ts, body) };
    expect(() => new Webhook(secret).verify(body.replace('c1', 'c2'), headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-timestamp': String(ts + 1) })).toThrow();
  });

  it('derives one webhook-id per event and endpoint', () => {
    expect(webhookIdOf('e1', 'a')).toBe(webhookIdOf('e1', 'a'));
    expect(webhookIdOf('e1', 'a')).not.toBe(webhookIdOf('e1', 'b'));
    expect(webhookIdOf('e1', 'a')).not.toBe(webhookIdOf('e2', 'a'));
    expect(webhookIdOf('e1', 'a')).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });
});
