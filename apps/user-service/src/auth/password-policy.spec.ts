import { DomainError } from '@engage/errors';
import { assertPasswordAcceptable } from './password-policy';

const problemsOf = (password: string, email = 'ada@acme.test') => {
  try {
    assertPasswordAcceptable(password, email);
    return [];
  } catch (error) {
    return ((error as DomainError).details?.fields as Record<string, string[]>).password;
  }
};

describe('password policy', () => {
  it('accepts a passphrase', () => expect(problemsOf('correct horse battery staple')).toEqual([]));
  it('refuses short passwords', () => expect(problemsOf('Short1!')).toContain('must be at least 12 characters'));
  it('refuses the email', () => expect(problemsOf('ada@acme.test')).toContain('must not contain your email address'));
  it('refuses passwords built on the email name', () => expect(problemsOf('sebastian-2024!', 'sebastian@x.io')).toContain('must not contain your email address'));
  it('refuses common passwords whatever their case', () => expect(problemsOf('Password1234')).toContain('is too common'));
  it('refuses one repeated character', () => expect(problemsOf('aaaaaaaaaaaaaaaa')).toContain('must not be one repeated character'));
});
