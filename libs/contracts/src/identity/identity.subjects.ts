/** NATS request subjects answered by user-service. */
export const IdentitySubjects = {
  signup: 'user.auth.signup',
  login: 'user.auth.login',
  loginMfa: 'user.auth.login_mfa',
  refresh: 'user.auth.refresh',
  logout: 'user.auth.logout',
  passwordResetRequest: 'user.auth.password_reset_request',
  passwordResetConfirm: 'user.auth.password_reset_confirm',
  jwks: 'user.auth.jwks',
  mfaEnroll: 'user.mfa.enroll',
  mfaActivate: 'user.mfa.activate',
  mfaDisable: 'user.mfa.disable',
  me: 'user.users.me',
  listUsers: 'user.users.list',
  createUser: 'user.users.create',
  getUser: 'user.users.get',
  updateUser: 'user.users.update',
  deactivateUser: 'user.users.deactivate',
  setRole: 'user.users.set_role',
  listApiKeys: 'user.api_keys.list',
  createApiKey: 'user.api_keys.create',
  revokeApiKey: 'user.api_keys.revoke',
  verifyApiKey: 'user.api_keys.verify',
  getTenant: 'user.tenant.get',
  updateTenant: 'user.tenant.update',
} as const;

/** Events published by user-service (stream EVT_USER). */
export const IdentityEvents = {
  tenantCreated: 'evt.user.tenant.created',
  tenantUpdated: 'evt.user.tenant.updated',
  userCreated: 'evt.user.user.created',
  userInvited: 'evt.user.user.invited',
  userUpdated: 'evt.user.user.updated',
  userRoleChanged: 'evt.user.user.role_changed',
  userDeactivated: 'evt.user.user.deactivated',
  loginSucceeded: 'evt.user.auth.login_succeeded',
  loginFailed: 'evt.user.auth.login_failed',
  refreshReused: 'evt.user.auth.refresh_reused',
  loggedOut: 'evt.user.auth.logged_out',
  passwordResetRequested: 'evt.user.auth.password_reset_requested',
  passwordReset: 'evt.user.auth.password_reset',
  mfaEnabled: 'evt.user.auth.mfa_enabled',
  mfaDisabled: 'evt.user.auth.mfa_disabled',
  apiKeyCreated: 'evt.user.api_key.created',
  apiKeyRevoked: 'evt.user.api_key.revoked',
} as const;

/** Redis keys the gateway reads on every authenticated request (written by user-service). */
export const AuthRedisKeys = {
  /** Present while a logged-out access token (by jti) has not expired yet. */
  revokedJti: (jti: string) => `auth:revoked:jti:${jti}`,
  /** Present while tokens issued to a deactivated or re-credentialed user may still be alive. */
  revokedUserBefore: (userId: string) => `auth:revoked:user:${userId}`,
} as const;

/** Access-token lifetime (SPEC section 7). */
export const ACCESS_TOKEN_TTL_S = 15 * 60;
export const REFRESH_TOKEN_TTL_S = 7 * 24 * 60 * 60;
