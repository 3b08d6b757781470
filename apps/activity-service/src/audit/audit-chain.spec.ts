import { type AuditContent, canonicalJson, chainHash, GENESIS_HASH, redact } from './audit-chain';

const content: AuditContent = {
  tenant_id: '00000000-0000-4000-8000-000000000001',
  seq: 1,
  id: '00000000-0000-4000-8000-000000000002',
  occurred_at: '2026-12-01T10:00:00.000Z',
  actor_id: null,
  service: 'crm-service',
  entity: 'contact',
  entity_id: 'c1',
  action: 'contact.updated',
  request_id: 'r1',
  source_event_id: '00000000-0000-4000-8000-000000000003',
  changes: { changed: ['first_name'], after: { first_name: 'Ada', nested: { b: 2, a: 1 } } },
};

describe('the audit chain', () => {
  it('writes canonical JSON whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }] })).toBe('{"a":[{"c":"x","d":null}],"b":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('hashes the previous hash with the content, and any change to either changes the hash', () => {
    const first = chainHash(GENESIS_HASH, content);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, { ...content, changes: { after: { nested: { a: 1, b: 2 }, first_name: 'Ada' }, changed: ['first_name'] } })).toBe(first);
    expect(chainHash(GENESIS_HASH, { ...content, entity_id: 'c2' })).not.toBe(first);
    expect(chainHash('f'.repeat(64), content)).not.toBe(first);
  });

  it('keeps secrets out: tokens, passwords and codes are redacted at any depth; NUL is dropped', () => {
    expect(redact({ email: 'a@b.test', token: 'abc', user: { password: 'x', role: 'rep' }, recovery_codes: ['1'], note: 'a\u0000b' })).toEqual({
      email: 'a@b.test',
      token: '[redacted]',
      user: { password: '[redacted]', role: 'rep' },
      recovery_codes: '[redacted]',
      note: 'ab',
    });
    expect(redact({ refresh_token: null })).toEqual({ refresh_token: null });
  });
});
