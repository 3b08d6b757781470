import { randomUUID } from 'node:crypto';
import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';
import { domainError } from '@engage/testing/kit';

describe('contact search and paging against PostgreSQL', () => {
  let kit: CrmKit;

  beforeAll(async () => {
    kit = await startCrmKit();
  });
  afterAll(() => kit.close());

  it('finds "John Smith" when searching "jon smtih", and by email, phone digits and company', async () => {
    const ctx = kit.newTenant();
    const company = await kit.companies.create(ctx, { name: 'Globex Corporation' });
    const john = await kit.contacts.create(ctx, {
      first_name: 'John',
      last_name: 'Smith',
      emails: ['j.smith@initech.test'],
      phones: [{ number: '+16175550199' }],
      company_id: company.id,
    });
    await kit.contacts.create(ctx, { first_name: 'Jane', last_name: 'Doe', emails: ['jane@doe.test'] });
    await kit.contacts.create(ctx, { first_name: 'Joan', last_name: 'Smythe-Jones', emails: ['joan@x.test'] });
    const ids = async (q: string) => (await kit.contacts.list(ctx, { q })).data.map((c) => c.id);
    expect(await ids('jon smtih')).toEqual([john.id]);
    expect(await ids('Smith')).toContain(john.id);
    expect(await ids('jhon')).toContain(john.id);
    expect(await ids('j.smith@init')).toEqual([john.id]);
    expect(await ids('smi')).toEqual([john.id]);
    expect(await ids('617-555-0199')).toEqual([john.id]);
    expect(await ids('5550199')).toEqual([john.id]);
    expect(await ids('globex')).toEqual([john.id]);
    expect(await ids('zzzz qqqq')).toEqual([]);
  });

  it('ranks closer matches first and pages through search results with a cursor', async () => {
    const ctx = kit.newTenant();
    const gary = await kit.contacts.create(ctx, { first_name: 'Gary', last_name: 'Smith' });
    const mary = await kit.contacts.create(ctx, { first_name: 'Mary', last_name: 'Smith' });
    const marty = await kit.contacts.create(ctx, { first_name: 'Marty', last_name: 'Smith' });
    const first = await kit.contacts.list(ctx, { q: 'mary smith', limit: 1 });
    expect(first.data.map((c) => c.id)).toEqual([mary.id]);
    const rest: string[] = [];
    let cursor = first.page.next_cursor;
    while (cursor) {
      const page = await kit.contacts.list(ctx, { q: 'mary smith', limit: 1, cursor });
      rest.push(...page.data.map((c) => c.id));
      cursor = page.page.next_cursor;
    }
    expect(rest.sort()).toEqual([gary.id, marty.id].sort());
    expect((await kit.contacts.list(ctx, { q: 'smith', sort: 'name' })).data.map((c) => c.first_name)).toEqual(['Gary', 'Marty', 'Mary']);
    expect((await domainError(kit.contacts.list(ctx, { sort: 'relevance' }))).status).toBe(400);
  });

  it('pages a search the same whether it looks names up one by one or collects and sorts every match', async () => {
    // Plain searches of one or two words look each candidate name (or first-and-last pair) up in
    // result order; with another filter the search collects every match and sorts. Both must list
    // the same rows in the same order, page after page, ties included.
    const ctx = kit.newTenant();
    const stark = await kit.companies.create(ctx, { name: 'Stark Industries' });
    const smithCo = await kit.companies.create(ctx, { name: 'Smithson Labs' });
    const firsts = ['John', 'Joan', 'Jon', 'Jonathan', 'Mary', 'Marty', 'Smith'];
    const lasts = ['Smith', 'Smyth', 'Smithers', 'Stark', 'Jones', 'Johnson'];
    for (let i = 0; i < 70; i++) {
      await kit.contacts.create(ctx, {
        first_name: firsts[(i * 5) % firsts.length],
        last_name: lasts[(i * 3) % lasts.length],
        lifecycle_stage: 'lead',
        company_id: i % 4 === 0 ? stark.id : i % 4 === 1 ? smithCo.id : undefined,
      });
    }
    const walk = async (q: string, lifecycle_stage?: 'lead') => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await kit.contacts.list(ctx, { q, limit: 4, cursor, lifecycle_stage });
        seen.push(...page.data.map((c) => `${c.id} ${c.first_name} ${c.last_name}`));
        cursor = page.page.next_cursor ?? undefined;
      } while (cursor);
      return seen;
    };
    for (const q of ['jon smtih', 'smith', 'stark', 'jo', 'smith jon', 'mary stark', 'smi', 'john smithson', 'jonathan']) {
      const ordered = await walk(q);
      expect(ordered.length).toBeGreaterThan(0);
      expect(new Set(ordered).size).toBe(ordered.length);
      expect(ordered).toEqual(await walk(q, 'lead'));
    }
  });

  it('pages a lone email or phone search the same as the collecting path', async () => {
    const ctx = kit.newTenant();
    for (let i = 0; i < 13; i++) {
      await kit.contacts.create(ctx, {
        first_name: ['Pat', 'Sam', 'Alex'][i % 3],
        last_name: ['Lee', 'Khan'][i % 2],
        emails: [`pat${i % 4}.${i}@acme.test`],
        phones: [{ number: `+1 617 555 01${String(i).padStart(2, '0')}` }],
        lifecycle_stage: 'lead',
      });
    }
    const walk = async (q: string, lifecycle_stage?: 'lead') => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await kit.contacts.list(ctx, { q, limit: 3, cursor, lifecycle_stage });
        seen.push(...page.data.map((c) => c.id));
        cursor = page.page.next_cursor ?? undefined;
      } while (cursor);
      return seen;
    };
    // "pat1." is the word pat1: emails starting with it, and the first name Pat (one typo away).
    for (const [q, count] of [['pat1.', 7], ['pat2.6@acme', 1], ['1 617 555', 13], ['0107', 1], ['1617555010', 10], ['+1 (617) 555-0112', 1], ['999', 0]] as const) {
      const listed = await walk(q);
      expect([q, listed.length]).toEqual([q, count]);
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed).toEqual(await walk(q, 'lead'));
    }
  });

  it('treats injection, emoji and unicode in q as plain text', async () => {
    const ctx = kit.newTenant();
    const zoe = await kit.contacts.create(ctx, { first_name: 'Zoë', last_name: "O'Brien 🚀" });
    expect((await kit.contacts.list(ctx, { q: "'; DROP TABLE crm.contacts; --" })).data).toEqual([]);
    expect((await kit.contacts.list(ctx, { q: '%_\\' })).data).toEqual([]);
    expect((await kit.contacts.list(ctx, { q: 'zoe obrien' })).data.map((c) => c.id)).toEqual([zoe.id]);
    expect((await kit.contacts.list(ctx, { q: "o'brien" })).data.map((c) => c.id)).toEqual([zoe.id]);
  });

  it('pages with a cursor without repeating or skipping rows while others are inserted', async () => {
    const ctx = kit.newTenant();
    const names = ['ann', 'bob', 'cid', 'dan', 'eve', 'fay', 'gus'];
    for (const n of names) await kit.contacts.create(ctx, { first_name: n });
    const first = await kit.contacts.list(ctx, { sort: 'name', limit: 3 });
    expect(first.data.map((c) => c.first_name)).toEqual(['ann', 'bob', 'cid']);
    expect(first.page.has_more).toBe(true);
    // Inserted before and after the cursor position while the client is paging.
    await kit.contacts.create(ctx, { first_name: 'aaron' });
    await kit.contacts.create(ctx, { first_name: 'zed' });
    const seen = [...first.data.map((c) => c.first_name)];
    let cursor = first.page.next_cursor;
    while (cursor) {
      const page = await kit.contacts.list(ctx, { sort: 'name', limit: 3, cursor });
      seen.push(...page.data.map((c) => c.first_name));
      cursor = page.page.next_cursor;
    }
    expect(seen).toEqual(['ann', 'bob', 'cid', 'dan', 'eve', 'fay', 'gus', 'zed']);

    const newest = await kit.contacts.list(ctx, { limit: 2 });
    expect(newest.data.map((c) => c.first_name)).toEqual(['zed', 'aaron']);
  });

  it('refuses a malformed or foreign cursor with 400', async () => {
    const ctx = kit.newTenant();
    for (const cursor of ['not-base64!', Buffer.from('{"s":"name"}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      expect(await domainError(kit.contacts.list(ctx, { cursor }))).toMatchObject({ status: 400, details: { fields: { cursor: expect.any(Array) } } });
    }
    const nameCursor = Buffer.from(JSON.stringify({ s: 'name', v: 'x', id: randomUUID() })).toString('base64url');
    expect((await domainError(kit.contacts.list(ctx, { sort: 'lead_score', cursor: nameCursor }))).status).toBe(400);
  });
  it('answers 400 bad_request to a cursor whose value has the wrong type for its sort, with or without q', async () => {
    const ctx = kit.newTenant();
    await kit.contacts.create(ctx, { first_name: 'Cursor', last_name: 'Target', emails: ['cursor@example.com'] });
    const tampered = (s: string, v: unknown) => Buffer.from(JSON.stringify({ s, v, id: randomUUID() })).toString('base64url');
    const cases: Array<[string, unknown]> = [
      ['-created_at', 'yesterday'],
      ['created_at', '2026-02-30T00:00:00.000000Z'],
      ['-updated_at', 42],
      ['updated_at', null],
      ['lead_score', 'ten'],
      ['-lead_score', 1e12],
      ['lead_score', 1.5],
      ['name', 17],
      ['name', 'nul\u0000byte'],
      ['relevance', JSON.stringify([1e12, 'a', 'b'])],
      ['relevance', JSON.stringify([1, 'nul\u0000', 'b'])],
    ];
    for (const [sort, v] of cases) {
      for (const q of [undefined, 'cursor', 'cursor target']) {
        if (sort === 'relevance' && !q) continue;
        const error = await domainError(kit.contacts.list(ctx, { sort: sort as never, q, cursor: tampered(sort, v) }));
        expect({ sort, v, q, status: error.status, code: error.code }).toEqual({ sort, v, q, status: 400, code: 'bad_request' });
      }
    }
  });
});
