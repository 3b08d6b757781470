// Proves the role model of SPEC §3 on a real PostgreSQL: the runtime role of a service
// can read and write its tables but cannot create objects, reach another service's
// schema, own anything or bypass row-level security.
//
// provision.mjs is an ES module and jest runs CommonJS here, so the script is driven
// through its CLI, which is also how the stack runner and the Helm Job use it.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { ServiceSchemas } from '@engage/contracts';

const execFileAsync = promisify(execFile);

const DATABASE = 'engage_provision_test';
const SCRIPT = path.join(__dirname, 'provision.mjs');

interface RoleUrls {
  app: string;
  owner: string;
}
interface ProvisionOutput {
  database: string;
  urls: Record<string, RoleUrls>;
}

async function runProvision(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [SCRIPT, '--database', DATABASE, ...args], {
    timeout: 120_000,
  });
  return stdout;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

describe('tools/infra/provision', () => {
  let urls: Record<string, RoleUrls>;
  const clients: Client[] = [];
  const open = async (url: string): Promise<Client> => {
    const client = await connect(url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // Twice: the second run must find everything in place and still succeed.
    await runProvision('--json');
    const output = JSON.parse(await runProvision('--json')) as ProvisionOutput;
    urls = output.urls;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await runProvision('--drop');
  }, 60_000);

  it('provisions every service schema with an app and an owner role', () => {
    expect(Object.keys(urls).sort()).toEqual(Object.values(ServiceSchemas).sort());
    expect(urls.crm.app).toMatch(new RegExp(`^postgres://crm_app:[^@]+@[^/]+/${DATABASE}$`));
    expect(urls.crm.owner).toMatch(new RegExp(`^postgres://crm_owner:[^@]+@[^/]+/${DATABASE}$`));
  });

  it('lets the app role connect, but not create tables in its own schema', async () => {
    const app = await open(urls.crm.app);
    const { rows } = await app.query<{ user: string }>('SELECT current_user AS user');
    expect(rows[0].user).toBe('crm_app');
    await expect(app.query('CREATE TABLE crm.x (id int)')).rejects.toMatchObject({
      code: '42501',
      message: expect.stringMatching(/permission denied/),
    });
  });

  it('gives the app role no superuser, no RLS bypass and no ownership of its schema', async () => {
    const app = await open(urls.crm.app);
    const role = await app.query<{ rolsuper: boolean; rolbypassrls: boolean; rolinherit: boolean }>(
      "SELECT rolsuper, rolbypassrls, rolinherit FROM pg_roles WHERE rolname = 'crm_app'",
    );
    expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolinherit: false });
    const schema = await app.query<{ owner: string }>(
      "SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = 'crm'",
    );
    expect(schema.rows[0].owner).toBe('crm_owner');
  });

  it('lets tables the owner creates be read and written by the app role (default privileges)', async () => {
    const owner = await open(urls.crm.owner);
    await owner.query('CREATE TABLE crm.provision_probe (id serial PRIMARY KEY, name text NOT NULL)');

    const app = await open(urls.crm.app);
    await app.query("INSERT INTO crm.provision_probe (name) VALUES ('first')");
    const { rows } = await app.query<{ id: number; name: string }>('SELECT id, name FROM crm.provision_probe');
    expect(rows).toEqual([{ id: 1, name: 'first' }]);
    await expect(app.query('DROP TABLE crm.provision_probe')).rejects.toMatchObject({ code: '42501' });
  });

  it("keeps the app role out of another service's schema", async () => {
    const identityOwner = await open(urls.identity.owner);
    await identityOwner.query('CREATE TABLE identity.provision_secret (id int)');

    const crmApp = await open(urls.crm.app);
    await expect(crmApp.query('SELECT * FROM identity.provision_secret')).rejects.toMatchObject({
      code: '42501',
      message: expect.stringMatching(/permission denied for schema identity/),
    });
    const crmOwner = await open(urls.crm.owner);
    await expect(crmOwner.query('SELECT * FROM identity.provision_secret')).rejects.toMatchObject({ code: '42501' });
  });

  it('keeps everyone from creating objects in the public schema', async () => {
    const owner = await open(urls.crm.owner);
    await expect(owner.query('CREATE TABLE public.x (id int)')).rejects.toMatchObject({ code: '42501' });
  });

  it('installs pg_trgm and pgcrypto for the services to use', async () => {
    const app = await open(urls.crm.app);
    const { rows } = await app.query<{ similar: boolean; bytes: number }>(
      "SELECT similarity('engage', 'engaged') > 0.5 AS similar, length(gen_random_bytes(8)) AS bytes",
    );
    expect(rows[0]).toEqual({ similar: true, bytes: 8 });
  });
});
