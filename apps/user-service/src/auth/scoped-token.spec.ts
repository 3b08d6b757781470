import { issueScopedToken, tenantOfScopedToken } from './scoped-token';

describe('scoped tokens', () => {
  const tenant = '0b6f4a9e-3c1d-4e2f-9a8b-7c6d5e4f3a2b';

  it('carry the tenant they were issued for', () => {
    expect(tenantOfScopedToken('rt', issueScopedToken('rt', tenant))).toBe(tenant);
  });

  it('are unique', () => {
    expect(issueScopedToken('ek', tenant)).not.toBe(issueScopedToken('ek', tenant));
  });

  it('reject another kind, truncation and garbage', () => {
    const token = issueScopedToken('pr', tenant);
    expect(tenantOfScopedToken('rt', token)).toBeNull();
    expect(tenantOfScopedToken('pr', token.slice(0, -1))).toBeNull();
    expect(tenantOfScopedToken('pr', "pr_' OR 1=1 --")).toBeNull();
  });
});
