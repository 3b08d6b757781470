import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const box = new SecretBox(randomBytes(32).toString('base64'));

describe('SecretBox', () => {
  it('round-trips a secret for the same tenant', () => {
    const sealed = box.encrypt('JBSWY3DPEHPK3PXP', 'tenant-a');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.decrypt(sealed, 'tenant-a')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses to decrypt a secret copied into another tenant', () => {
    const sealed = box.encrypt('secret', 'tenant-a');
    expect(() => box.decrypt(sealed, 'tenant-b')).toThrow();
  });

  it('detects tampering', () => {
    const parts = box.encrypt('secret', 't').split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => box.decrypt(parts.join('.'), 't')).toThrow();
  });

  it('rejects a key of the wrong size at construction', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow('32 bytes');
  });
});
