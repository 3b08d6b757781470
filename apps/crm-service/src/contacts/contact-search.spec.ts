import { deletionVariants, deriveSearchColumns, foldText, parseSearch, prefixRange, relevanceKey, reversedPhoneKeys } from './contact-search';

describe('contact search keys', () => {
  it('folds case and accents so "José Müller" and "jose muller" are the same words', () => {
    expect(foldText('José Müller')).toBe('jose muller');
    expect(deriveSearchColumns({ firstName: 'José', lastName: "O'Brien" })).toMatchObject({ firstKey: 'jose', lastKey: 'o brien', nameSort: 'jose o brien' });
  });

  it('meets one typo on either side: "smtih" and "smith" share a one-letter deletion', () => {
    const query = new Set(deletionVariants('smtih'));
    expect(deletionVariants('smith').some((v) => query.has(v))).toBe(true);
    // "jon" is "john" with a letter missing.
    expect(deletionVariants('john')).toContain('jon');
    // Short words are kept whole: their deletions would match almost anything.
    expect(deletionVariants('li')).toEqual(['li']);
  });

  it('puts every word of both names in the vocabulary under its variants', () => {
    const { vocabulary } = deriveSearchColumns({ firstName: 'Mary Ann', lastName: 'Smith' });
    expect(vocabulary).toContainEqual(['ann', 'mary ann']);
    expect(vocabulary).toContainEqual(['smth', 'smith']);
  });

  it('reads q as an email prefix, a phone suffix, or name words', () => {
    expect(parseSearch('Ada@Example')).toEqual([{ kind: 'email', text: 'ada@example' }]);
    expect(parseSearch('(617) 555-0199')).toEqual([{ kind: 'phone', text: '6175550199' }]);
    expect(parseSearch('Jon Smtih').map((t) => t.kind === 'word' && [t.text, t.emailPrefix])).toEqual([
      ['jon', false],
      ['smtih', false],
    ]);
    expect(parseSearch('jsmith')).toEqual([expect.objectContaining({ kind: 'word', text: 'jsmith', emailPrefix: true })]);
    expect(parseSearch('   ')).toEqual([]);
    expect(parseSearch('%_')).toEqual([{ kind: 'email', text: '%_' }]);
  });

  it('keys phones by their national digits reversed, so "ends with" is a prefix', () => {
    expect(reversedPhoneKeys(['6175550199', ''])).toEqual(['r:9910555716']);
  });

  it('reads a relevance cursor position back and refuses any other shape', () => {
    const id = '00000000-0000-4000-8000-000000000001';
    expect(relevanceKey('[3,"smith","john"]', id)).toEqual({ score: 3, last: 'smith', first: 'john', id });
    for (const v of [3, null, 'smith', '[3,"smith"]', '["3","smith","john"]', '[1.5,"a","b"]', '[3,"smith",null]', '{"score":3}']) {
      expect(relevanceKey(v, id)).toBeNull();
    }
  });

  it('turns a prefix into the range of text that starts with it', () => {
    expect(prefixRange('smi')).toEqual(['smi', 'smj']);
    expect(prefixRange('zoë')).toEqual(['zoë', 'zoì']);
    const [lo, hi] = prefixRange('e:jo');
    for (const inside of ['e:jo', 'e:john@x.test', 'e:jo\u{10FFFF}']) expect(inside >= lo && inside < hi).toBe(true);
    for (const outside of ['e:j', 'e:jp', 'e:k']) expect(outside >= lo && outside < hi).toBe(false);
    expect(prefixRange('a\u{10FFFF}')).toEqual(['a\u{10FFFF}', 'b']);
  });
});
