import { resolveColumns, validateMapping } from './import-mapping';
import { parseImportRow } from './import-row';

const columns = resolveColumns(['Name', 'E-mail', 'Phone', 'Stage', 'Score', 'Tags', 'Shoe size'], {}, new Set());

describe('import rows', () => {
  it('maps headers by name and synonym, and ignores unknown columns', () => {
    expect(columns.map((c) => (c.kind === 'field' ? c.field : c.kind))).toEqual(['full_name', 'email', 'phone', 'lifecycle_stage', 'lead_score', 'tags', 'ignore']);
    expect(() => validateMapping({ Name: 'shoe_size' })).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('turns a good row into contact fields with an E.164 phone and a derived timezone', () => {
    const row = parseImportRow(1, ['Ada King Lovelace', 'ADA@example.com', '020 7946 0958', 'Customer', '12', 'vip; math', 'x'], columns, new Map(), 'GB');
    expect(row).toMatchObject({
      first_name: 'Ada King',
      last_name: 'Lovelace',
      emails: ['ada@example.com'],
      phones: [{ number: '+442079460958', is_primary: true, country: 'GB' }],
      lifecycle_stage: 'customer',
      lead_score: 12,
      tags: ['vip', 'math'],
      timezone: 'Europe/London',
    });
  });

  it.each([
    [['Bad', 'nope', '', '', '', '', ''], 'email'],
    [['Bad', '', '123', '', '', '', ''], 'phone'],
    [['Bad', '', '', 'king', '', '', ''], 'lifecycle_stage'],
    [['Bad', '', '', '', '1.5', '', ''], 'lead_score'],
    [['x'.repeat(401), '', '', '', '', '', ''], 'full_name'],
    [['a\u0000b', '', '', '', '', '', ''], 'full_name'],
    [['', '', '', '', '', '', ''], null],
  ])('reports a bad row as a row problem naming %j', (cells, field) => {
    expect(parseImportRow(7, cells, columns, new Map(), 'US')).toMatchObject({ row: 7, field });
  });
});
