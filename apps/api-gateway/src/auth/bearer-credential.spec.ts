import { bearerCredential } from './auth.guard';

describe('bearerCredential', () => {
  it('takes the credential after the Bearer scheme, whatever the scheme’s case and the spacing', () => {
    expect(bearerCredential('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerCredential('bearer ek_123')).toBe('ek_123');
    expect(bearerCredential('BEARER \t abc')).toBe('abc');
  });

  it('refuses anything else', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Bearerabc', 'Basic abc', 'Bearer a b', 'Bearer abc ', 'Bearer abc\t', ['Bearer abc']]) {
      expect(bearerCredential(header)).toBeNull();
    }
  });
});
