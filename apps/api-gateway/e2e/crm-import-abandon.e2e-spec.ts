import { request } from 'node:http';
import { Client } from 'pg';
import { e2eStack, newTenant, testEnv } from '@engage/testing';

/**
 * An upload that goes over the limit or that its client gives up must leave nothing behind: no
 * job `receiving` for ever, no chunks. The public API cannot show this (no job id was ever
 * returned), so the test looks in crm-service's database, as the tenant's own role would.
 */
jest.setTimeout(120_000);

async function uploadsInProgress(tenantId: string): Promise<{ jobs: number; chunks: number }> {
  const client = new Client({ connectionString: testEnv.databaseUrls('crm').app });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    const { rows } = await client.query<{ jobs: number; chunks: number }>(
      `SELECT (SELECT count(*)::int FROM crm.imports WHERE tenant_id = $1 AND status = 'receiving') AS jobs,
              (SELECT count(*)::int FROM crm.import_chunks WHERE tenant_id = $1) AS chunks`,
      [tenantId],
    );
    await client.query('COMMIT');
    return rows[0];
  } finally {
    await client.end();
  }
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const csvLines = (bytes: number) => {
  const line = 'Someone,someone@e2e.test,+14155550100\n';
  return 'Name,Email,Phone\n' + line.repeat(Math.ceil(bytes / line.length));
};

describe('failed and abandoned import uploads', () => {
  it('deletes the job and its chunks when the client closes the connection mid-upload', async () => {
    const tenant = await newTenant('ImportAbort');
    const boundary = 'e2e-abandon-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`;
    const partial = csvLines(3 * 1024 * 1024);
    const url = new URL(`${e2eStack.gatewayUrl()}/v1/contacts/import`);
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        authorization: `Bearer ${tenant.accessToken}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        // Promises far more than is ever sent: the upload is cut off half-way.
        'content-length': String(head.length + 20 * 1024 * 1024),
      },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(partial);
    // The gateway has created the job and stored chunks: the upload is really under way.
    await eventually(() => uploadsInProgress(tenant.tenantId), (s) => s.jobs === 1 && s.chunks > 0, 'the upload to start');
    req.destroy();
    expect(await eventually(() => uploadsInProgress(tenant.tenantId), (s) => s.jobs === 0, 'the upload to be discarded')).toEqual({ jobs: 0, chunks: 0 });
  });

  it('answers 413 to a file over 100 MB and keeps none of it', async () => {
    const tenant = await newTenant('ImportTooBig');
    const body = Buffer.from(csvLines(101 * 1024 * 1024));
    const res = await fetch(`${e2eStack.gatewayUrl()}/v1/contacts/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.accessToken}`, 'content-type': 'text/csv' },
      body,
    });
    expect(res.status).toBe(413);
    // The rest of the refused body is still on the wire: the connection must not be reused.
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
    expect(await uploadsInProgress(tenant.tenantId)).toEqual({ jobs: 0, chunks: 0 });
  });
});
