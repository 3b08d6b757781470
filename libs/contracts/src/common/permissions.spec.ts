import { grantFor, PERMISSIONS, Resources } from './permissions';

describe('permission matrix', () => {
  it('gives admins everything', () => {
    for (const r of Resources) for (const a of ['read', 'create', 'update', 'delete'] as const) expect(grantFor('admin', r, a)).toBe('any');
  });
  it('keeps user, key and billing administration away from managers and reps', () => {
    for (const role of ['manager', 'rep'] as const) {
      expect(grantFor(role, 'users', 'create')).toBe(false);
      expect(grantFor(role, 'api_keys', 'read')).toBe(false);
      expect(grantFor(role, 'billing', 'update')).toBe(false);
    }
  });
  it('lets reps read all contacts but change only their own', () => {
    expect(grantFor('rep', 'contacts', 'read')).toBe('any');
    expect(grantFor('rep', 'contacts', 'update')).toBe('own');
    expect(grantFor('rep', 'deals', 'delete')).toBe('own');
    expect(grantFor('manager', 'deals', 'delete')).toBe('any');
  });
  it('grants nothing without a role', () => {
    expect(grantFor(null, 'contacts', 'read')).toBe(false);
  });
  it('covers every resource for every role', () => {
    for (const role of Object.keys(PERMISSIONS) as Array<keyof typeof PERMISSIONS>) expect(Object.keys(PERMISSIONS[role]).sort()).toEqual([...Resources].sort());
  });
});
