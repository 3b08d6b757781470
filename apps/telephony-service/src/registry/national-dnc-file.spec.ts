import { coveringPrefix, DncFileError, minimalPrefixes, NationalDncFileReader, parseAreaCodes, parseListDate, parsePrefixes } from './national-dnc-file';

/** Feeds lines to a reader, 1-based, and returns what it said of each. */
function readAll(lines: string[]) {
  const reader = new NationalDncFileReader();
  const outcomes = lines.map((line, i) => reader.read(line, i + 1));
  return { reader, outcomes };
}

describe('national DNC file format', () => {
  it('reads the directives, then numbers in national and E.164 form, normalised to E.164', () => {
    const { reader, outcomes } = readAll([
      '\uFEFF# National DNC list, December',
      '# date: 2026-12-01',
      '# area-codes: 415, 628',
      '#prefixes:+1907555',
      '',
      '4155550100',
      '+1 (628) 555-0101',
      '  415.555.0102  ',
      '1-907-555-1234',
    ]);
    expect(reader.header()).toEqual({ date: '2026-12-01', prefixes: ['+1415', '+1628', '+1907555'], country: 'US' });
    expect(outcomes.filter((o) => o.kind === 'number').map((o) => o.kind === 'number' && o.number.e164)).toEqual([
      '+14155550100',
      '+16285550101',
      '+14155550102',
      '+19075551234',
    ]);
    expect(outcomes[5]).toEqual({ kind: 'number', number: { e164: '+14155550100', country: 'US', line_type: 'fixed_line_or_mobile' } });
  });

  it('counts a line that is not a number, or not a possible one, or outside the coverage, as invalid with a reason', () => {
    const { outcomes } = readAll(['# date: 2026-12-01', '# area-codes: 415', 'call me maybe', '415555', '+16285550100', '+14155550100']);
    expect(outcomes.slice(2)).toEqual([
      { kind: 'invalid', reason: '"call me maybe" is not a phone number' },
      { kind: 'invalid', reason: '"415555" is not a possible phone number' },
      { kind: 'invalid', reason: '+16285550100 is outside the prefixes the list covers (+1415)' },
      expect.objectContaining({ kind: 'number' }),
    ]);
  });

  it('reads national numbers in the declared country', () => {
    const { outcomes } = readAll(['# country: gb', '# prefixes: +44', '020 7183 8750', '07911 123456']);
    expect(outcomes.slice(2)).toEqual([
      { kind: 'number', number: { e164: '+442071838750', country: 'GB', line_type: 'fixed_line' } },
      { kind: 'number', number: expect.objectContaining({ e164: '+447911123456', line_type: 'mobile' }) },
    ]);
  });

  it('treats unknown "# name: value" lines as comments', () => {
    const { reader, outcomes } = readAll(['# source: FTC download', '# Note: updated monthly', '# area-codes: 415']);
    expect(outcomes.every((o) => o.kind === 'skip')).toBe(true);
    expect(reader.header().prefixes).toEqual(['+1415']);
  });

  it('refuses a directive after the first number, which would change what the numbers above it meant', () => {
    const reader = new NationalDncFileReader();
    reader.read('# area-codes: 415', 1);
    reader.read('4155550100', 2);
    expect(() => reader.read('# area-codes: 628', 3)).toThrow(new DncFileError('the "area-codes" directive must come before the first number', 3));
    // A comment is still fine.
    expect(reader.read('# end of the 415 block', 4)).toEqual({ kind: 'skip' });
  });

  it('refuses two different dates or countries, and malformed directive values', () => {
    const twoDates = new NationalDncFileReader();
    twoDates.read('# date: 2026-12-01', 1);
    expect(() => twoDates.read('# date: 2026-12-02', 2)).toThrow('line 2: the file gives two dates, 2026-12-01 and 2026-12-02');
    expect(() => new NationalDncFileReader().read('# date: 2026-02-30', 7)).toThrow('line 7: the "date" directive must be a date written YYYY-MM-DD (got "2026-02-30")');
    expect(() => new NationalDncFileReader().read('# area-codes: 415, 15', 1)).toThrow('"15" is not a North American area code');
    expect(() => new NationalDncFileReader().read('# area-codes: 115', 1)).toThrow('"115" is not a North American area code');
    expect(() => new NationalDncFileReader().read('# prefixes: 44', 1)).toThrow('"44" is not an E.164 prefix');
    expect(() => new NationalDncFileReader().read('# country: XX', 1)).toThrow('"XX" is not an ISO 3166 country code');
  });

  it('parses dates, area codes and prefixes strictly', () => {
    expect(parseListDate(' 2026-12-01 ', '--date')).toBe('2026-12-01');
    for (const bad of ['2026-1-01', '01/12/2026', '2026-12-01T00:00:00Z', '1999-12-31', '']) expect(() => parseListDate(bad, '--date')).toThrow(DncFileError);
    expect(parseAreaCodes('415,628; 650  510')).toEqual(['+1415', '+1628', '+1650', '+1510']);
    expect(parsePrefixes('+44 +1907555')).toEqual(['+44', '+1907555']);
    expect(() => parsePrefixes('+0123')).toThrow(DncFileError);
  });

  it('keeps the smallest set of prefixes that covers the same numbers, and finds the one covering a number', () => {
    expect(minimalPrefixes(['+1415', '+1', '+44', '+4420', '+1415'])).toEqual(['+1', '+44']);
    expect(minimalPrefixes(['+1628', '+1415555', '+1415'])).toEqual(['+1415', '+1628']);
    expect(coveringPrefix('+14155550100', ['+1415', '+1628'])).toBe('+1415');
    expect(coveringPrefix('+16505550100', ['+1415', '+1628'])).toBeNull();
  });
});
