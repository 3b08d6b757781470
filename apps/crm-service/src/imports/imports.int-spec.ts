import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';
import { domainError } from '@engage/testing/kit';

describe('CSV imports against PostgreSQL', () => {
  let kit: CrmKit;

  beforeAll(async () => {
    kit = await startCrmKit();
  });
  afterAll(() => kit.close());

  it('imports good rows and reports each bad row with its number and reason, without aborting', async () => {
    const ctx = kit.newTenant();
    const csv = [
      'First Name,Last Name,Email,Phone,Company,Lead Score',
      'Ada,Lovelace,ada@example.com,+14155550101,Analytical Engines,10',
      'Bad,Email,not-an-email,,,',
      'Grace,Hopper,grace@example.com,(415) 555-0102,Navy,x',
      'Alan,Turing,alan@example.com,+44 20 7946 0958,Analytical Engines,',
      ',,,,,',
      'NoPhone,Valid,np@example.com,12,,',
    ].join('\n');
    const result = await kit.runImport(ctx, csv, { default_country: 'US' });
    expect(result).toMatchObject({ status: 'completed', processed: 6, created: 2, updated: 0, failed: 4 });
    expect(result.errors).toEqual([
      { row: 2, field: 'email', reason: expect.stringContaining('not a valid address') },
      { row: 3, field: 'lead_score', reason: expect.stringContaining('whole number') },
      { row: 5, field: null, reason: 'the row has no name, email or phone' },
      { row: 6, field: 'phone', reason: expect.stringContaining('not a valid phone number') },
    ]);
    const contacts = (await kit.contacts.list(ctx, { sort: 'name' })).data;
    expect(contacts.map((c) => [c.first_name, c.emails[0], c.phones[0]?.number, c.timezone])).toEqual([
      ['Ada', 'ada@example.com', '+14155550101', 'America/Los_Angeles'],
      ['Alan', 'alan@example.com', '+442079460958', 'Europe/London'],
    ]);
    // Both rows name the same company: one company, linked to both.
    expect(new Set(contacts.map((c) => c.company_id)).size).toBe(1);
    expect((await kit.companies.list(ctx, {})).data.map((c) => c.name)).toEqual(['Analytical Engines']);
    expect((await kit.contacts.list(ctx, { q: 'lovlace' })).data).toHaveLength(1);
  });

  it('updates contacts whose email already exists by default, skips them on request, and dedupes within the file', async () => {
    const ctx = kit.newTenant();
    const existing = await kit.contacts.create(ctx, { first_name: 'Old', emails: ['same@example.com'], tags: ['a'] });
    const csv = 'email,first_name,tags,title\nsame@example.com,New,b,CEO\nsame@example.com,Newer,c,\nfresh@example.com,Fresh,,\nFRESH@example.com,Again,,\n';
    const updated = await kit.runImport(ctx, csv);
    expect(updated).toMatchObject({ status: 'completed', created: 1, updated: 3, failed: 0 });
    expect(await kit.contacts.get(ctx, existing.id)).toMatchObject({ first_name: 'Newer', title: 'CEO', tags: ['a', 'b', 'c'], version: 2 });
    expect((await kit.contacts.list(ctx, {})).data).toHaveLength(2);

    const skipped = await kit.runImport(ctx, 'email,first_name\nsame@example.com,Ignored\n', { on_duplicate: 'skip' });
    expect(skipped).toMatchObject({ created: 0, updated: 0, skipped: 1 });
    expect((await kit.contacts.get(ctx, existing.id)).first_name).toBe('Newer');
  });

  it('maps columns by the request’s mapping, including custom fields', async () => {
    const ctx = kit.newTenant();
    await kit.customFields.create(ctx, { object_type: 'contact', key: 'seats', label: 'Seats', type: 'number' });
    const csv = 'Given,Mail,Licences,Junk\nKim,kim@example.com,12,zzz\nLee,lee@example.com,many,zzz\n';
    const result = await kit.runImport(ctx, csv, { mapping: { Given: 'first_name', Mail: 'email', Licences: 'custom_fields.seats', Junk: 'ignore' } });
    expect(result).toMatchObject({ created: 1, failed: 1, errors: [{ row: 2, field: 'custom_fields.seats' }] });
    expect((await kit.contacts.list(ctx, { custom_field: ['seats:12'] })).data.map((c) => c.first_name)).toEqual(['Kim']);
    expect((await domainError(kit.imports.create(ctx, { mapping: { Given: 'shoe_size' } }))).status).toBe(400);
  });

  it('fails clearly when no column identifies a contact, and when the file is empty', async () => {
    const ctx = kit.newTenant();
    expect(await kit.runImport(ctx, 'colour,size\nred,1\n')).toMatchObject({ status: 'failed', message: expect.stringContaining('No column maps') });
    const { job_id } = await kit.imports.create(ctx, {});
    await kit.imports.start(ctx, job_id);
    expect(await kit.imports.get(ctx, job_id)).toMatchObject({ status: 'failed', message: 'The file is empty.' });
  });

  it('reads Windows-1252 and UTF-16 files, quotes, embedded newlines and a BOM, and reports malformed quoting per row', async () => {
    const ctx = kit.newTenant();
    const latin1 = Buffer.from('first_name,last_name,email\nJosé,Müller,jose@example.com\n', 'latin1');
    expect(await kit.runImport(ctx, latin1)).toMatchObject({ created: 1, failed: 0 });
    expect((await kit.contacts.list(ctx, { q: 'muller' })).data[0]).toMatchObject({ first_name: 'José', last_name: 'Müller' });

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('first_name,email\nZoë,zoe@example.com\n', 'utf16le')]);
    expect(await kit.runImport(ctx, utf16)).toMatchObject({ created: 1 });

    const quoted =
      '\uFEFFfirst_name,notes,email\n"Smith, Jr.","line one\nline two",jr@example.com\nStray,"odd" quote,b@example.com\nFine,ok,fine@example.com\nTail,"never closed,t@example.com\n';
    const result = await kit.runImport(ctx, quoted);
    expect(result).toMatchObject({ created: 3, failed: 1, errors: [{ row: 4, reason: expect.stringContaining('malformed') }] });
    expect((await kit.contacts.list(ctx, { q: 'b@example.com' })).data[0]).toMatchObject({ first_name: 'Stray', notes: '"odd" quote' });
    expect((await kit.contacts.list(ctx, { q: 'jr@example.com' })).data[0]).toMatchObject({ first_name: 'Smith, Jr.', notes: 'line one\nline two' });
  });

  it('reads a Windows-1252 byte after 665 KB of ASCII right, and refuses the rows of a file that mixes encodings', async () => {
    const ctx = kit.newTenant();
    const ascii = Buffer.from('Name,Email\n' + Array.from({ length: 22_000 }, (_, i) => `Person ${i},p${i}@example.com\n`).join(''));
    expect(ascii.length).toBeGreaterThan(665 * 1024);
    const late = await kit.runImport(ctx, Buffer.concat([ascii, Buffer.from('Jos\xe9 Late,jose@example.com\n', 'latin1')]));
    expect(late).toMatchObject({ status: 'completed', failed: 0, created: 22_001 });
    const [jose] = (await kit.contacts.list(ctx, { q: 'jose@example.com' })).data;
    expect(jose.first_name).toBe('José');

    const other = kit.newTenant();
    const mixed = Buffer.concat([Buffer.from('Name,Email\nZoë Utf,zoe@example.com\n'), Buffer.from('Ren\xe9 Latin,rene@example.com\n', 'latin1')]);
    const result = await kit.runImport(other, mixed);
    expect(result).toMatchObject({ status: 'completed', created: 1, failed: 1 });
    expect(result.errors).toEqual([{ row: 2, field: null, reason: expect.stringContaining('not valid in the file’s encoding') }]);
    const stored = (await kit.contacts.list(other, {})).data;
    expect(stored.map((c) => c.first_name)).toEqual(['Zoë']);
  });

  it('gives the next worker to the tenant with the fewest imports running, not to the oldest queued job', async () => {
    const busy = kit.newTenant();
    const quiet = kit.newTenant();
    const queue = async (ctx: typeof busy) => {
      const { job_id } = await kit.imports.create(ctx, {});
      await kit.imports.append(ctx, { id: job_id, seq: 0, data: Buffer.from('Name\nOne\n').toString('base64') });
      await kit.imports.start(ctx, job_id);
      return job_id;
    };
    const busyJobs: string[] = [];
    for (let i = 0; i < 4; i++) busyJobs.push(await queue(busy));
    // One of the busy tenant's imports is being processed by a worker right now.
    await kit.db.transaction(busy.tenantId, (tx) =>
      tx.query(`UPDATE crm.imports SET status = 'processing', heartbeat_at = now() WHERE tenant_id = $1 AND id = $2`, [busy.tenantId, busyJobs[0]]),
    );
    const quietJob = await queue(quiet);
    const ours = new Set([...busyJobs, quietJob]);
    const claimed: string[] = [];
    // Other specs may have queued jobs meanwhile: claim until one of ours comes.
    for (let i = 0; i < 50 && claimed.length === 0; i++) {
      const job = await kit.importsRepository.claimNext();
      if (!job) break;
      if (ours.has(job.id)) claimed.push(job.id);
    }
    expect(claimed).toEqual([quietJob]);
    for (const [ctx, ids] of [[busy, busyJobs], [quiet, [quietJob]]] as const) {
      await kit.db.transaction(ctx.tenantId, (tx) =>
        tx.query(`UPDATE crm.imports SET status = 'failed', message = 'test over' WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [ctx.tenantId, ids]),
      );
    }
  });

  it('imports a few thousand rows over many chunks and batches, with progress events', async () => {
    const ctx = kit.newTenant();
    const lines = ['first_name,last_name,email,phone'];
    for (let i = 0; i < 4500; i++) lines.push(`P${i},Person,p${i}@example.com,+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`);
    const result = await kit.runImport(ctx, lines.join('\r\n'), {}, 7 * 1024);
    expect(result).toMatchObject({ status: 'completed', processed: 4500, created: 4500, failed: 0 });
    const events = await kit.events(ctx.tenantId);
    const imported = events.filter((e) => e.subject === 'evt.crm.contact.imported');
    expect(imported.reduce((n, e) => n + (e.envelope.payload.created_ids as string[]).length, 0)).toBe(4500);
    expect(events[events.length - 1]).toMatchObject({ subject: 'evt.crm.import.progress', envelope: { payload: { status: 'completed', created: 4500 } } });
  });

  it('refreshes the planner statistics once a large import has written its first batch', async () => {
    const ctx = kit.newTenant();
    const before = await kit.db.transaction(ctx.tenantId, (tx) => tx.query(`SELECT now() AS at`));
    const lines = ['first_name,last_name,email'];
    for (let i = 0; i < 2600; i++) lines.push(`S${i},Stats,s${i}@example.com`);
    expect(await kit.runImport(ctx, lines.join('\n'))).toMatchObject({ status: 'completed', created: 2600 });
    const [stats] = await kit.db.transaction(ctx.tenantId, (tx) => tx.query(`SELECT last_analyze FROM pg_stat_user_tables WHERE relid = 'crm.contact_channels'::regclass`));
    expect(new Date(stats.last_analyze).getTime()).toBeGreaterThanOrEqual(new Date(before[0].at).getTime());
  });

  it('writes a name’s typo vocabulary when a later row carries it, though the first row with that name was skipped', async () => {
    const ctx = kit.newTenant();
    await kit.contacts.create(ctx, { first_name: 'Someone', emails: ['taken@example.com'] });
    const lines = ['first_name,last_name,email', 'Zebulon,Quixote,taken@example.com'];
    for (let i = 0; i < 3000; i++) lines.push(`F${i},Filler,f${i}@example.com`);
    lines.push('Zebulon,Quixote,zq@example.com');
    expect(await kit.runImport(ctx, lines.join('\n'), { on_duplicate: 'skip' })).toMatchObject({ status: 'completed', created: 3001, skipped: 1 });
    const found = (await kit.contacts.list(ctx, { q: 'zebulon quixotte' })).data;
    expect(found.map((c) => c.emails)).toEqual([['zq@example.com']]);
  });

  it('keeps imports private: another tenant gets 404, another rep 403', async () => {
    const ctx = kit.newTenant('rep');
    const result = await kit.runImport(ctx, 'email\na@example.com\n');
    expect((await domainError(kit.imports.get(kit.newTenant(), result.id))).status).toBe(404);
    expect((await domainError(kit.imports.get(kit.as(ctx, 'rep'), result.id))).status).toBe(403);
    await expect(kit.imports.get(kit.as(ctx, 'manager'), result.id)).resolves.toMatchObject({ created: 1 });
  });

  it('lets a rep’s import update only contacts the rep owns', async () => {
    const admin = kit.newTenant();
    const rep = kit.as(admin, 'rep');
    await kit.contacts.create(admin, { first_name: 'Admin owned', emails: ['owned@example.com'] });
    const result = await kit.runImport(rep, 'email,first_name\nowned@example.com,Rep\n');
    expect(result).toMatchObject({ updated: 0, failed: 1, errors: [{ row: 1, reason: expect.stringContaining('belongs to another user') }] });
  });
});
