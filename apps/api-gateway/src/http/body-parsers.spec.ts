import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { BODY_TYPES, installBodyParsers, jsonDepthExceeds, mediaTypeOf } from './body-parsers';
import { mapError } from './error-body';

/** A bare Fastify with the gateway's parsers: one JSON route, one webhook route that takes forms. */
async function server() {
  const app = Fastify();
  installBodyParsers(app, { bodyLimit: 1024, bodyTimeoutMs: 300 });
  app.setErrorHandler((error, _req, reply) => {
    const mapped = mapError(error);
    void reply.status(mapped.status).send(mapped.body);
  });
  app.post('/json', (req) => ({ body: req.body }));
  app.post('/webhooks/provider', { config: { bodyTypes: [...BODY_TYPES.form, ...BODY_TYPES.json] } }, (req) => ({
    body: req.body,
    prototype: Object.getPrototypeOf(req.body) === null ? 'none' : 'object',
  }));
  await app.ready();
  return app;
}

describe('body parsers', () => {
  it('measures JSON nesting without parsing, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeds('{"a":{"b":[1,[2]]}}', 4)).toBe(false);
    expect(jsonDepthExceeds('{"a":{"b":[1,[2]]}}', 3)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('[[[[]]]]'), 3)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ s: '{{{{[[[[' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ s: '\\"{{{{"' }), 1)).toBe(false);
    expect(jsonDepthExceeds('{"é":{"ü":1}}', 2)).toBe(false);
  });

  it('reads the media type without parameters, lower-cased', () => {
    expect(mediaTypeOf({ headers: { 'content-type': 'Text/CSV; charset=utf-8' } })).toBe('text/csv');
    expect(mediaTypeOf({ headers: {} })).toBe('');
  });

  it('takes a form only on a route that declares it, as a null-prototype object within the body limit', async () => {
    const app = await server();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const onJson = await app.inject({ method: 'POST', url: '/json', headers: form, payload: 'a=1' });
    expect(onJson.statusCode).toBe(415);
    expect(onJson.json()).toMatchObject({ error: 'unsupported_media_type' });

    const onWebhook = await app.inject({ method: 'POST', url: '/webhooks/provider', headers: form, payload: 'CallSid=CA1&__proto__=x' });
    expect(onWebhook.statusCode).toBe(200);
    // A `__proto__` field is plain data here: it cannot change the object's prototype.
    expect(onWebhook.body).toBe('{"body":{"CallSid":"CA1","__proto__":"x"},"prototype":"none"}');

    const tooBig = await app.inject({ method: 'POST', url: '/webhooks/provider', headers: form, payload: `a=${'x'.repeat(2000)}` });
    expect(tooBig.statusCode).toBe(413);
    const csv = await app.inject({ method: 'POST', url: '/webhooks/provider', headers: { 'content-type': 'text/csv' }, payload: 'a,b' });
    expect(csv.statusCode).toBe(415);
    await app.close();
  });

  it('parses JSON and refuses an empty body, bad JSON and poisoned keys with 400', async () => {
    const app = await server();
    const json = { 'content-type': 'application/json' };
    expect((await app.inject({ method: 'POST', url: '/json', headers: json, payload: '{"a":[1]}' })).json()).toEqual({ body: { a: [1] } });
    expect((await app.inject({ method: 'POST', url: '/json', headers: json, payload: '{"a":' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/json', headers: json, payload: '{"__proto__":{"x":1}}' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/json', headers: json, payload: '[[[[]]]]' })).statusCode).toBe(200);
    await app.close();
  });

  it('answers 408 and closes the connection when a JSON body does not arrive in time', async () => {
    const app = await server();
    const trickle = new Readable({ read() {} });
    trickle.push('{"a":');
    const res = await app.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/json', 'content-length': '100' }, payload: trickle });
    expect(res.statusCode).toBe(408);
    expect(res.headers.connection).toBe('close');
    expect(res.json()).toMatchObject({ error: 'timeout' });
    await app.close();
  });

  it('leaves no timer behind a body refused early (a late timeout must not crash the process)', async () => {
    const app = await server();
    const res = await app.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/json' }, payload: `{"a":"${'x'.repeat(5000)}"}` });
    expect(res.statusCode).toBe(413);
    await new Promise((r) => setTimeout(r, 600));
    await app.close();
  });
});
