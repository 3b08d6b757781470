import { api, e2eStack, newTenant, newUser } from '@engage/testing';

/** CSV import and its progress through the gateway. */
jest.setTimeout(60_000);

type ImportView = {
  id: string;
  status: string;
  processed: number;
  created: number;
  updated: number;
  failed: number;
  errors: Array<{ row: number; field: string | null; reason: string }>;
};

const upload = (token: string, csv: string, query = '', contentType = 'text/csv') =>
  api<{ job_id: string; status: string }>(`/v1/contacts/import${query}`, { method: 'POST', token, rawBody: csv, headers: { 'content-type': contentType } });

async function finished(token: string, id: string): Promise<ImportView> {
  for (let i = 0; i < 200; i++) {
    const res = await api<ImportView>(`/v1/imports/${id}`, { token });
    if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

describe('contact import', () => {
  it('imports a CSV with bad rows, reports them with row numbers, and serves them as CSV', async () => {
    const tenant = await newTenant('Import');
    const t = tenant.accessToken;
    await api('/v1/contacts', { token: t, body: { first_name: 'Existing', emails: ['existing@e2e.test'] } });
    const csv = [
      'Name,E-mail,Phone,Company,Stage',
      'Ada Lovelace,ada@e2e.test,+14155550111,Engines,customer',
      'Broken,not-an-email,,,',
      'Existing Updated,existing@e2e.test,,,',
      'Bad Stage,bad@e2e.test,,,royalty',
      'Bad Phone,bp@e2e.test,999,,',
    ].join('\n');
    const accepted = await upload(t, csv);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/v1/imports/${accepted.body.job_id}`);
    const done = await finished(t, accepted.body.job_id);
    expect(done).toMatchObject({ status: 'completed', processed: 5, created: 1, updated: 1, failed: 3 });
    expect(done.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'email'],
      [4, 'lifecycle_stage'],
      [5, 'phone'],
    ]);
    const errorsCsv = await api<string>(`/v1/imports/${accepted.body.job_id}/errors.csv`, { token: t });
    expect(errorsCsv.status).toBe(200);
    expect(errorsCsv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(errorsCsv.body.trim().split('\n')).toHaveLength(4);
    expect(errorsCsv.body.split('\n')[0]).toBe('row,field,reason');

    const found = await api<{ data: Array<{ first_name: string; lifecycle_stage: string; company_id: string | null }> }>('/v1/contacts?q=lovelace', { token: t });
    expect(found.body.data[0]).toMatchObject({ first_name: 'Ada', lifecycle_stage: 'customer' });
    expect(found.body.data[0].company_id).not.toBeNull();
  });

  it('accepts a multipart upload with a column mapping', async () => {
    const tenant = await newTenant('Multipart');
    const form = new FormData();
    form.append('mapping', JSON.stringify({ Vorname: 'first_name', Mail: 'email' }));
    form.append('file', new Blob(['Vorname,Mail\nJürgen,juergen@e2e.test\n'], { type: 'text/csv' }), 'kontakte.csv');
    const res = await fetch(`${e2eStack.gatewayUrl()}/v1/contacts/import`, { method: 'POST', headers: { authorization: `Bearer ${tenant.accessToken}` }, body: form });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { job_id: string };
    expect(await finished(tenant.accessToken, body.job_id)).toMatchObject({ status: 'completed', created: 1 });
  });

  it('refuses bad requests clearly: empty file, wrong type, bad mapping or options, no identifying column', async () => {
    const tenant = await newTenant('ImportBad');
    const t = tenant.accessToken;
    expect((await upload(t, '')).status).toBe(400);
    expect((await upload(t, 'a,b\n1,2', '', 'application/xml')).status).toBe(415);
    expect((await upload(t, 'email\na@b.test', '?mapping=not-json')).status).toBe(400);
    expect((await upload(t, 'email\na@b.test', `?mapping=${encodeURIComponent('{"email":"shoe_size"}')}`)).status).toBe(400);
    expect((await upload(t, 'email\na@b.test', '?on_duplicate=explode')).status).toBe(400);
    const noIdentity = await upload(t, 'colour,size\nred,2\n');
    expect(noIdentity.status).toBe(202);
    expect(await finished(t, noIdentity.body.job_id)).toMatchObject({ status: 'failed' });
    expect((await api('/v1/imports/not-a-uuid', { token: t })).status).toBe(400);
  });

  it('keeps an import private to its tenant (404) and to its rep (403)', async () => {
    const tenant = await newTenant('ImportPriv');
    const other = await newTenant('ImportPrivOther');
    const [rep, rep2] = await Promise.all([newUser(tenant, 'rep'), newUser(tenant, 'rep')]);
    const accepted = await upload(rep.accessToken, 'email\nrep-import@e2e.test\n');
    await finished(rep.accessToken, accepted.body.job_id);
    expect((await api(`/v1/imports/${accepted.body.job_id}`, { token: other.accessToken })).status).toBe(404);
    expect((await api(`/v1/imports/${accepted.body.job_id}/errors.csv`, { token: other.accessToken })).status).toBe(404);
    expect((await api(`/v1/imports/${accepted.body.job_id}`, { token: rep2.accessToken })).status).toBe(403);
    expect((await api(`/v1/imports/${accepted.body.job_id}`, { token: tenant.accessToken })).status).toBe(200);
    expect((await upload('', 'email\nx@e2e.test\n')).status).toBe(401);
  });
});
