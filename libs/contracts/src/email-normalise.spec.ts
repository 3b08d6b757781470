import { normaliseEmailForMatching } from './email-normalise';

describe('normaliseEmailForMatching', () => {
  it.each([
    ['full-width letters', 'ｊｏｈｎ．ｓｍｉｔｈ＠ｅｘａｍｐｌｅ．ｃｏｍ'],
    ['a Cyrillic о', 'j\u043ehn.smith@example.com'],
    ['a Cyrillic а and е in the domain', 'john.smith@ex\u0430mpl\u0435.com'],
    ['a Greek ο', 'j\u03bfhn.smith@example.com'],
    ['a zero-width space', 'jo\u200bhn.smith@example.com'],
    ['a soft hyphen', 'jo\u00adhn.smith@example.com'],
    ['a zero-width joiner and a left-to-right mark', 'jo\u200dhn.smith@example.com\u200e'],
    ['upper case', 'John.Smith@Example.COM'],
  ])('matches %s with the plain address', (_what, lookalike) => {
    expect(normaliseEmailForMatching(lookalike)).toBe('john.smith@example.com');
  });

  it('matches a decomposed accent with the composed one, and keeps accents apart from plain letters', () => {
    expect(normaliseEmailForMatching('jose\u0301@example.com')).toBe(normaliseEmailForMatching('jos\u00e9@example.com'));
    expect(normaliseEmailForMatching('jos\u00e9@example.com')).not.toBe(normaliseEmailForMatching('jose@example.com'));
  });

  it('keeps different addresses different', () => {
    expect(normaliseEmailForMatching('john.smith@example.com')).not.toBe(normaliseEmailForMatching('jon.smith@example.com'));
  });
});
