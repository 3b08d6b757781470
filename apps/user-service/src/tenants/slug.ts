import { randomBytes } from 'node:crypto';

/** "Acme Inc." → acme-inc, then acme-inc-2 … acme-inc-9, then a few random suffixes. */
export function* slugCandidates(companyName: string): Generator<string> {
  const base =
    companyName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/g, '') || 'team';
  yield base;
  for (let i = 2; i <= 9; i++) yield `${base}-${i}`;
  for (let i = 0; i < 5; i++) yield `${base}-${randomBytes(3).toString('hex')}`;
}
