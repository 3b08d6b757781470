import { AckPolicy, connect, type NatsConnection, type Status } from 'nats';
import { BaseConfig, loadConfig, ServiceConfig } from '@engage/config';
import { systemContext } from '@engage/context';
import { EventStreams, NatsPermissions, rpcSubject } from '@engage/contracts';
import { createLogger } from '@engage/logging';
import { makeTestCertificates, NatsServerProcess, type TestCertificates } from '@engage/testing';
import { connectNats, decodeJson, describeNatsError, encodeJson } from './connection';
import { ensureStream } from './jetstream/streams';
import { RpcClient } from './rpc/rpc-client';

/**
 * Production NATS runs with a user per process, each allowed only its own subjects (the
 * registry's permissions, rendered into the Helm chart), over TLS. The same permissions on a
 * private nats-server: the processes connect with the credentials their configuration carries
 * and do their work; a client without credentials, or without the CA, is refused; a service
 * cannot act on another service's subjects.
 */
const logger = createLogger({ service: 'nats-auth-test', level: 'silent' });
const PASSWORDS: Record<string, string> = { 'api-gateway': 'gw-secret-1', 'user-service': 'user-secret-2', 'crm-service': 'crm-secret-3' };
const contactsGet = rpcSubject<{ id: string }, { id: string; by: string }>('crm.contacts.get');
const usersGet = rpcSubject<{ id: string }, { id: string; by: string }>('user.users.get');
const usersList = rpcSubject<{ id: string }, { id: string; by: string }>('user.users.list');

/** A reply in the RPC format, naming who answered. */
const answer = (nc: NatsConnection, subject: string, by: string) =>
  nc.subscribe(subject, {
    queue: by,
    callback: (_err, msg) => msg.respond(encodeJson({ data: { id: decodeJson<{ id: string }>(msg.data).id, by } })),
  });

/** The errors the server sent this connection (a refused publish arrives this way). */
function serverErrors(nc: NatsConnection): string[] {
  const errors: string[] = [];
  void (async () => {
    for await (const s of nc.status() as AsyncIterable<Status>) if (s.type === 'error') errors.push(describeNatsError(s.data));
  })();
  return errors;
}

const until = async (check: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
};

describe('NATS with a user per process, permissions and TLS', () => {
  let certs: TestCertificates;
  let nats: NatsServerProcess;
  const open: NatsConnection[] = [];

  /** Connects as `app` the way the process does: credentials and CA from its configuration. */
  async function connectAs(app: string, schema: typeof BaseConfig = ServiceConfig): Promise<NatsConnection> {
    const config = loadConfig(schema, {
      NATS_URL: nats.url,
      NATS_USER: app,
      NATS_PASSWORD: PASSWORDS[app],
      NATS_TLS_CA_FILE: certs.caFile,
      DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
    });
    const nc = await connectNats({ ...config.natsConnection, name: app, logger });
    open.push(nc);
    return nc;
  }

  beforeAll(async () => {
    certs = makeTestCertificates();
    nats = await NatsServerProcess.start({
      tls: { certFile: certs.certFile, keyFile: certs.keyFile },
      users: Object.entries(PASSWORDS).map(([user, password]) => ({
        user,
        password,
        permissions: NatsPermissions[user as keyof typeof NatsPermissions],
      })),
    });
  });

  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await nats?.stop();
    certs?.remove();
  });

  it('lets each process do its own work: the gateway calls a service, a service calls what it may', async () => {
    const crm = await connectAs('crm-service');
    const users = await connectAs('user-service');
    const gateway = await connectAs('api-gateway', BaseConfig);
    answer(crm, contactsGet.subject, 'crm-service');
    answer(users, usersGet.subject, 'user-service');
    await Promise.all([crm.flush(), users.flush()]);

    const fromGateway = await new RpcClient(gateway, 2000).request(contactsGet, { id: 'c1' }, systemContext());
    expect(fromGateway).toEqual({ id: 'c1', by: 'crm-service' });
    // crm's user directory asks user-service for a user (the registry lists user.users.get for crm).
    const fromCrm = await new RpcClient(crm, 2000).request(usersGet, { id: 'u1' }, systemContext());
    expect(fromCrm).toEqual({ id: 'u1', by: 'user-service' });
  });

  it('lets a service keep its event stream and read it back through JetStream', async () => {
    const crm = await connectAs('crm-service');
    const jsm = await crm.jetstreamManager();
    await ensureStream(jsm, EventStreams.crm, { retentionDays: 1 });
    const ack = await crm.jetstream().publish('evt.crm.contact.created', encodeJson({ id: 'c1' }), { msgID: 'auth-test-1' });
    expect(ack.stream).toBe(EventStreams.crm.name);

    await jsm.consumers.add(EventStreams.crm.name, { durable_name: 'auth-test', ack_policy: AckPolicy.Explicit });
    const consumer = await crm.jetstream().consumers.get(EventStreams.crm.name, 'auth-test');
    const msg = await consumer.next({ expires: 2000 });
    expect(msg && decodeJson(msg.data)).toEqual({ id: 'c1' });
    await msg?.ackAck();
  });

  it('refuses a client without credentials, with a wrong password, or that does not trust the CA', async () => {
    await expect(connect({ servers: nats.url, tls: { caFile: certs.caFile } })).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
    await expect(
      connect({ servers: nats.url, user: 'crm-service', pass: 'guessed', tls: { caFile: certs.caFile } }),
    ).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
    await expect(connect({ servers: nats.url, user: 'crm-service', pass: PASSWORDS['crm-service'] })).rejects.toThrow();
  });

  it("does not let a service publish to another service's subjects, nor the gateway forge events", async () => {
    const users = await connectAs('user-service');
    const received: string[] = [];
    users.subscribe('user.>', { callback: (_err, msg) => received.push(msg.subject) });
    users.subscribe('evt.>', { callback: (_err, msg) => received.push(msg.subject) });
    await users.flush();

    const crm = await connectAs('crm-service');
    const crmErrors = serverErrors(crm);
    crm.publish('user.users.delete', encodeJson({ id: 'u1' }));
    crm.publish('evt.user.user.deleted', encodeJson({ id: 'u1' }));
    // A request crm may not make fails instead of reaching user-service.
    await expect(new RpcClient(crm, 500).request(usersList, { id: 'u1' }, systemContext())).rejects.toBeDefined();
    const gateway = await connectAs('api-gateway', BaseConfig);
    const gatewayErrors = serverErrors(gateway);
    gateway.publish('evt.crm.contact.created', encodeJson({ id: 'forged' }));
    await Promise.all([crm.flush(), gateway.flush()]);
    await until(() => crmErrors.length >= 3 && gatewayErrors.length >= 1);

    expect(received).toEqual([]);
    // The client library reports each refusal by its code only: one per refused publish.
    expect(crmErrors).toEqual(['PERMISSIONS_VIOLATION', 'PERMISSIONS_VIOLATION', 'PERMISSIONS_VIOLATION']);
    expect(gatewayErrors).toEqual(['PERMISSIONS_VIOLATION']);
  });

  it("does not let a service listen to another service's requests", async () => {
    const crm = await connectAs('crm-service');
    const refused: string[] = [];
    crm.subscribe('user.users.get', { queue: 'user-service', callback: (err) => err && refused.push(describeNatsError(err)) });
    await crm.flush().catch(() => undefined);
    await until(() => refused.length >= 1);
    expect(refused).toEqual(['PERMISSIONS_VIOLATION: subscription user.users.get']);
  });
});
