import { connect, type NatsConnection } from 'nats';
import { type EmptyRequest, rpcSubject } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { DomainError, NotFoundError, toErrorEnvelope } from '@engage/errors';
import { NatsServerProcess } from '@engage/testing';
import { decodeJson, encodeJson } from '../connection';
import { RpcClient } from './rpc-client';

const echo = rpcSubject<{ n: number; delay_ms: number }, { n: number; request_id: string }>('test.echo');
const missing = rpcSubject<EmptyRequest, never>('test.missing');
const nobody = rpcSubject<EmptyRequest, never>('nobody.listens');

describe('RpcClient', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let client: RpcClient;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url });
    client = new RpcClient(nc, 300);
    // Echoes the payload with the context headers it received, after the delay the payload asks for.
    nc.subscribe(echo.subject, {
      callback: (_err, msg) => {
        const payload = decodeJson<{ n: number; delay_ms: number }>(msg.data);
        setTimeout(() => msg.respond(encodeJson({ data: { n: payload.n, request_id: msg.headers?.get('x-request-id') } })), payload.delay_ms);
      },
    });
    nc.subscribe(missing.subject, {
      callback: (_err, msg) => msg.respond(encodeJson({ error: toErrorEnvelope(new NotFoundError('Contact', 'c1')) })),
    });
    await nc.flush();
  });

  afterAll(async () => {
    await nc.drain();
    await nats.stop();
  });

  it('matches each of many concurrent replies to its own request, with the context in headers', async () => {
    const ctx = systemContext({ requestId: 'req-12345678' });
    // Later requests answer first: replies arrive out of order.
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, n) => client.request(echo, { n, delay_ms: 50 - n }, ctx)),
    );
    expect(replies.map((r) => r.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(new Set(replies.map((r) => r.request_id))).toEqual(new Set(['req-12345678']));
  });

  it('rethrows a remote domain error with its code and status', async () => {
    const error = await client.request(missing, {}, systemContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('hands over a result as the JSON bytes the service wrote, and still rethrows a domain error', async () => {
    const ctx = systemContext({ requestId: 'req-json-0001' });
    const bytes = await client.requestJson(echo, { n: 7, delay_ms: 0 }, ctx);
    expect(new TextDecoder().decode(bytes)).toBe('{"n":7,"request_id":"req-json-0001"}');
    await expect(client.requestJson(missing, {}, systemContext())).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it('answers 504 timeout when the service holds the request past the deadline, and ignores the late reply', async () => {
    const started = Date.now();
    const error = await client.request(echo, { n: 1, delay_ms: 600 }, systemContext()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout', status: 504 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await new Promise((r) => setTimeout(r, 400)); // the late reply arrives and must be dropped quietly
    await expect(client.request(echo, { n: 2, delay_ms: 0 }, systemContext())).resolves.toMatchObject({ n: 2 });
  });

  it('answers 503 unavailable at once when no service subscribes to the subject', async () => {
    const started = Date.now();
    const error = await client.request(nobody, {}, systemContext(), { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable', status: 503 });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
