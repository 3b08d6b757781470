import { PASSWORD_MIN_LENGTH } from '@engage/contracts';
import { ValidationError } from '@engage/errors';

/** A short list of the passwords attackers try first; long enough to stop the obvious ones. */
const COMMON = new Set(
  [
    'password1234', 'password12345', 'password123456', '123456789012', '1234567890123', 'qwertyuiop12', 'qwertyuiop123',
    'iloveyou1234', 'letmein12345', 'welcome12345', 'administrator', 'passw0rd1234', 'p@ssw0rd1234', 'changeme1234',
    'abc123456789', '111111111111', '000000000000', 'aaaaaaaaaaaa', 'qwerty123456', 'football1234', 'baseball1234',
    'superman1234', 'trustno11234', 'monkey123456', 'dragon123456', 'sunshine1234', 'princess1234', 'password!234',
    'correcthorse', 'masterkey123', 'starwars1234', 'whatever1234', 'qazwsxedcrfv', '1q2w3e4r5t6y', 'zaq12wsxcde3',
  ].map((p) => p.toLowerCase()),
);

/**
 * At least 12 characters (a passphrase of several words qualifies), not the email or its local
 * part, not a well-known password, not one repeated character.
 */
export function assertPasswordAcceptable(password: string, email: string): void {
  const problems: string[] = [];
  const lower = password.toLowerCase();
  const emailLower = email.toLowerCase();
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (lower === emailLower || lower.includes(emailLower.split('@')[0]) && emailLower.split('@')[0].length >= 4) {
    problems.push('must not contain your email address');
  }
  if (COMMON.has(lower)) problems.push('is too common');
  if (/^(.)\1+$/.test(password)) problems.push('must not be one repeated character');
  if (problems.length) throw new ValidationError('The password is too weak.', { fields: { password: problems } });
}
