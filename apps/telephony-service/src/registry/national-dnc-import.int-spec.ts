import { Client } from 'pg';
import { testEnv } from '@engage/testing';
import { DncFileError } from './national-dnc-file';
import { importNationalDnc, textSource } from './national-dnc-importer';
import { withRegistryConnection } from './owner-connection';
import { startTelephonyKit, type TelephonyKit } from '../test-support/telephony-test-kit';

/**
 * `npm run dnc:import` against PostgreSQL: the registry is global, so each test works under a
 * prefix of its own (KitNationalDnc.freshPrefix) where no other list decides anything.
 */
describe('national DNC import', () => {
  let kit: TelephonyKit;
  const owner = () => testEnv.databaseUrls('telephony').owner;

  beforeAll(async () => {
    kit = await startTelephonyKit();
  });
  afterAll(() => kit.close());

  /** What the registry says of a number now, as the runtime role reads it. */
  const status = async (e164: string, now = '2026-01-20T00:00:00Z') => {
    kit.clock.set(now);
    return (await kit.registry.get(kit.newTenant(), e164)).national_dnc;
  };
  const rows = async (prefix: string) => {
    const client = new Client({ connectionString: owner() });
    await client.connect();
    try {
      const result = await client.query(
        `SELECT e164, national_dnc_listed AS listed, to_char(national_dnc_list_date, 'YYYY-MM-DD') AS list_date FROM telephony.phone_numbers
          WHERE e164 LIKE $1 || '%' ORDER BY e164`,
        [prefix],
      );
      return result.rows as Array<{ e164: string; listed: boolean; list_date: string }>;
    } finally {
      await client.end();
    }
  };

  it('loads a list once: the same content with the same date again changes nothing', async () => {
    const p = kit.nationalDnc.freshPrefix();
    const list = { date: '2026-01-10', prefixes: [p], listed: [`${p}0`, `${p}1`, `${p}1`] };
    const first = await kit.loadNationalDnc(list);
    expect(first).toMatchObject({ outcome: 'loaded', list_date: '2026-01-10', prefixes: [p], listed: 2, invalid: 0, cleared: 0 });
    const again = await kit.loadNationalDnc(list);
    expect(again).toMatchObject({ outcome: 'already_loaded', list_id: first.list_id, listed: 2 });
    expect(await rows(p)).toEqual([
      { e164: `${p}0`, listed: true, list_date: '2026-01-10' },
      { e164: `${p}1`, listed: true, list_date: '2026-01-10' },
    ]);
    // The same numbers on another date are another list.
    expect(await kit.loadNationalDnc({ ...list, date: '2026-01-11' })).toMatchObject({ outcome: 'loaded', listed: 2 });
    expect((await rows(p)).map((r) => r.list_date)).toEqual(['2026-01-11', '2026-01-11']);
  });

  it('makes a covered number that the list does not name clear as of the list’s date, with or without a registry row', async () => {
    const p = kit.nationalDnc.freshPrefix();
    await kit.loadNationalDnc({ date: '2026-01-05', prefixes: [p], listed: [`${p}0`] });
    expect(await status(`${p}0`)).toEqual({ status: 'listed', list_date: '2026-01-05', stale: false, scrub_required: true });
    expect(await status(`${p}7`)).toEqual({ status: 'clear', list_date: '2026-01-05', stale: false, scrub_required: true });
    // Taken off in the next list: its row is marked clear as of that list.
    const next = await kit.loadNationalDnc({ date: '2026-01-12', prefixes: [p], listed: [`${p}1`] });
    expect(next).toMatchObject({ listed: 1, cleared: 1 });
    expect(await status(`${p}0`)).toMatchObject({ status: 'clear', list_date: '2026-01-12' });
    expect(await status(`${p}1`)).toMatchObject({ status: 'listed', list_date: '2026-01-12' });
    expect(await rows(p)).toEqual([
      { e164: `${p}0`, listed: false, list_date: '2026-01-12' },
      { e164: `${p}1`, listed: true, list_date: '2026-01-12' },
    ]);
  });

  it('lets the newest list covering a number decide, whatever order the files are loaded in', async () => {
    const { wider, narrow: p } = kit.nationalDnc.freshNestedPrefixes();
    await kit.loadNationalDnc({ date: '2026-01-12', prefixes: [p], listed: [`${p}1`] });
    // An older file loaded later changes nothing it covers: its numbers stay as the newer list says.
    const older = await kit.loadNationalDnc({ date: '2026-01-02', prefixes: [p], listed: [`${p}2`, `${p}3`] });
    expect(older).toMatchObject({ outcome: 'loaded', listed: 2, superseded: 2, cleared: 0 });
    expect(await status(`${p}2`)).toMatchObject({ status: 'clear', list_date: '2026-01-12' });
    expect(await status(`${p}1`)).toMatchObject({ status: 'listed', list_date: '2026-01-12' });
    // A newer list of a wider area decides the numbers inside it too, and a narrower, even newer one wins again.
    await kit.loadNationalDnc({ date: '2026-01-14', prefixes: [wider], listed: [`${p}2`] });
    expect(await status(`${p}1`)).toMatchObject({ status: 'clear', list_date: '2026-01-14' });
    expect(await status(`${p}2`)).toMatchObject({ status: 'listed', list_date: '2026-01-14' });
    await kit.loadNationalDnc({ date: '2026-01-15', prefixes: [p], listed: [`${p}1`] });
    expect(await status(`${p}1`)).toMatchObject({ status: 'listed', list_date: '2026-01-15' });
    expect(await status(`${p}2`)).toMatchObject({ status: 'clear', list_date: '2026-01-15' });
  });

  it('counts and reports invalid lines without failing the load', async () => {
    const p = kit.nationalDnc.freshPrefix();
    const report = await kit.loadNationalDnc({
      date: '2026-01-10',
      prefixes: [p],
      listed: [`${p}4`],
      extraLines: ['not a number', '+16285550100', '12', `${p.slice(1)}5`],
    });
    expect(report).toMatchObject({ outcome: 'loaded', listed: 2, invalid: 3 });
    expect(report.invalid_samples).toEqual([
      { line: 4, reason: '"not a number" is not a phone number' },
      { line: 5, reason: `+16285550100 is outside the prefixes the list covers (${p})` },
      { line: 6, reason: '"12" is not a possible phone number' },
    ]);
    expect((await rows(p)).map((r) => r.e164)).toEqual([`${p}4`, `${p}5`]);
  });

  it('refuses a list without a date, without coverage, dated in the future or with a late directive, loading nothing', async () => {
    const p = kit.nationalDnc.freshPrefix();
    const load = (text: string, date?: string) =>
      withRegistryConnection(owner(), (db) => importNationalDnc(db, textSource('bad.txt', text), { date, now: new Date('2026-01-20T00:00:00Z') }));
    await expect(load(`# prefixes: ${p}\n${p}0\n`)).rejects.toThrow('the list has no date');
    await expect(load(`# date: 2026-01-10\n${p}0\n`)).rejects.toThrow('the list does not say what it covers');
    await expect(load(`# prefixes: ${p}\n${p}0\n`, '2026-01-22')).rejects.toThrow('in the future');
    await expect(load(`# date: 2026-01-10\n# prefixes: ${p}\n${p}0\n`, '2026-01-11')).rejects.toThrow('the file is dated 2026-01-10 but --date says 2026-01-11');
    await expect(load(`# date: 2026-01-10\n# prefixes: ${p}\n${p}0\n# area-codes: 907\n`)).rejects.toThrow(DncFileError);
    expect(await rows(p)).toEqual([]);
    expect(await status(`${p}0`)).toMatchObject({ status: 'unknown' });
  });

  it('gives the runtime role read access only: it cannot insert, change or delete registry rows', async () => {
    const p = kit.nationalDnc.freshPrefix();
    const { list_id } = await kit.loadNationalDnc({ date: '2026-01-10', prefixes: [p], listed: [`${p}0`] });
    const app = new Client({ connectionString: testEnv.databaseUrls('telephony').app });
    await app.connect();
    try {
      expect((await app.query(`SELECT national_dnc_listed FROM telephony.phone_numbers WHERE e164 = $1`, [`${p}0`])).rows).toEqual([{ national_dnc_listed: true }]);
      expect((await app.query(`SELECT number_count FROM telephony.national_dnc_lists WHERE id = $1`, [list_id])).rows).toEqual([{ number_count: 1 }]);
      const refused = [
        [`INSERT INTO telephony.phone_numbers (e164) VALUES ($1)`, [`${p}9`]],
        [`UPDATE telephony.phone_numbers SET national_dnc_listed = false WHERE e164 = $1`, [`${p}0`]],
        [`DELETE FROM telephony.phone_numbers WHERE e164 = $1`, [`${p}0`]],
        [`INSERT INTO telephony.national_dnc_lists (id, list_date, source_file, content_sha256, prefixes, number_count, invalid_count)
          VALUES (gen_random_uuid(), '2026-01-30', 'x', repeat('a', 64), ARRAY['+1'], 0, 0)`, []],
        [`UPDATE telephony.national_dnc_lists SET list_date = '2026-12-31' WHERE id = $1`, [list_id]],
        [`DELETE FROM telephony.national_dnc_lists WHERE id = $1`, [list_id]],
        ['TRUNCATE telephony.phone_numbers', []],
      ] as const;
      for (const [sql, params] of refused) await expect(app.query(sql, [...params])).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
    expect(await rows(p)).toEqual([{ e164: `${p}0`, listed: true, list_date: '2026-01-10' }]);
  });
});
