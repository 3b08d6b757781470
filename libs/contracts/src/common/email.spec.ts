import { normaliseEmailForMatching as normalizeEmail } from '../email-normalise';
import { cleanEmail, emailProblem, isMixedScript } from './email';

describe('normaliseEmailForMatching on account addresses', () => {
  const plain = normalizeEmail('ada@acme.test');

  it.each([
    ['upper case', 'Ada@ACME.test'],
    ['full-width letters', 'ａｄａ@ａｃｍｅ.test'],
    ['a zero-width space', 'a\u200bda@acme.test'],
    ['a soft hyphen', 'a\u00adda@acme.test'],
    ['a zero-width joiner and a byte-order mark', '\ufeffad\u200da@acme.test'],
    ['a Cyrillic а', '\u0430da@acme.test'],
    ['surrounding spaces', '  ada@acme.test '],
  ])('gives %s the same key as the plain address', (_what, lookAlike) => {
    expect(normalizeEmail(lookAlike)).toBe(plain);
  });

  it('gives composed and decomposed accents the same key', () => {
    expect(normalizeEmail('jose\u0301@acme.test')).toBe(normalizeEmail('jos\u00e9@acme.test'));
  });

  it('keeps different addresses different', () => {
    expect(normalizeEmail('ada@acme.test')).not.toBe(normalizeEmail('adb@acme.test'));
    expect(normalizeEmail('иван@acme.test')).not.toBe(normalizeEmail('ivan@acme.test'));
  });

  it('cleans without changing case', () => {
    expect(cleanEmail(' Ａda\u200b@Acme.test')).toBe('Ada@Acme.test');
  });
});

describe('emailProblem', () => {
  it('accepts single-script and customary mixed local parts', () => {
    for (const ok of ['ada@acme.test', 'иван.петров@acme.test', 'josé@acme.test', 'たなか太郎@acme.test', 'ada+crm-2@acme.test']) {
      expect(emailProblem(ok)).toBeNull();
    }
  });

  it('refuses a local part that mixes Latin with Cyrillic or Greek', () => {
    expect(emailProblem('\u0430dmin@acme.test')).toMatch(/scripts/);
    expect(emailProblem('p\u0430ypal@acme.test')).toMatch(/scripts/);
    expect(emailProblem('\u03bfscar@acme.test')).toMatch(/scripts/);
    expect(isMixedScript('admin')).toBe(false);
  });

  it('refuses what is no address once invisible characters are gone', () => {
    expect(emailProblem('\u200b@acme.test')).toMatch(/email address/);
  });
});
