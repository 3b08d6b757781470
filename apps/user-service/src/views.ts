import type { ApiKeyView, TenantView, UserView } from '@engage/contracts';
import type { ApiKeyRow } from './api-keys/api-keys.repository';
import type { TenantRow } from './tenants/tenants.repository';
import type { UserSummary } from './users/users.repository';

// Rows carry Dates; the views send them as `toISOString()` does (milliseconds, UTC).
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toUserView = (u: UserSummary): UserView => ({
  id: u.id,
  email: u.email,
  full_name: u.fullName,
  role: u.role,
  is_active: u.isActive,
  mfa_enabled: u.mfaEnabled,
  has_password: u.passwordHash !== null,
  last_login_at: iso(u.lastLoginAt),
  created_at: u.createdAt.toISOString(),
  updated_at: u.updatedAt.toISOString(),
  version: u.version,
});

export const toTenantView = (t: TenantRow): TenantView => ({
  id: t.id,
  name: t.name,
  slug: t.slug,
  plan: t.plan,
  enabled_modules: t.enabledModules,
  settings: t.settings,
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
  version: t.version,
});

export const toApiKeyView = (k: ApiKeyRow): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  created_by: k.createdBy,
  expires_at: iso(k.expiresAt),
  last_used_at: iso(k.lastUsedAt),
  revoked_at: iso(k.revokedAt),
  created_at: k.createdAt.toISOString(),
});
