import { eventSubject, rpcSubject, type EmptyRequest } from '../subjects/typed-subject';
import type {
  ApiKeyView,
  CreateApiKeyRequest,
  CreatedApiKeyView,
  CreateUserRequest,
  IdParam,
  ListUsersQuery,
  LoginCommand,
  LoginMfaCommand,
  LogoutCommand,
  MfaActivatedView,
  MfaChallengeView,
  MfaCodeRequest,
  MfaEnrollView,
  PasswordResetConfirm,
  PasswordResetRequest,
  RefreshRequest,
  SetRoleCommand,
  SignupRequest,
  SignupView,
  TenantView,
  TokenPairView,
  UpdateTenantCommand,
  UpdateUserCommand,
  UserView,
  VerifyApiKeyCommand,
} from './identity.dto';
import type { JwksReply, VerifyApiKeyReply } from './jwks.dto';
import type { BillingRedirectView, CheckoutRequest, StripeWebhookCommand, SubscriptionView, TenantPlanChangedEvent } from './billing.dto';
import type { TenantModulesView } from './identity.dto';
import type { Page } from '../common/pagination';
import type {
  ApiKeyEvent,
  LoginFailedEvent,
  LoginSucceededEvent,
  OneTimeTokenIssuedEvent,
  PasswordResetEvent,
  RefreshReusedEvent,
  TenantEvent,
  UserCreatedEvent,
  UserEvent,
  UserRoleChangedEvent,
  UserUpdatedEvent,
} from './identity.events';

/** NATS request subjects answered by user-service, with their types. */
export const IdentitySubjects = {
  auth: {
    signup: rpcSubject<SignupRequest, SignupView>('user.auth.signup'),
    login: rpcSubject<LoginCommand, TokenPairView | MfaChallengeView>('user.auth.login'),
    loginMfa: rpcSubject<LoginMfaCommand, TokenPairView>('user.auth.login_mfa'),
    refresh: rpcSubject<RefreshRequest, TokenPairView>('user.auth.refresh'),
    logout: rpcSubject<LogoutCommand, { logged_out: true }>('user.auth.logout'),
    passwordResetRequest: rpcSubject<PasswordResetRequest, { accepted: true }>('user.auth.password_reset_request'),
    passwordResetConfirm: rpcSubject<PasswordResetConfirm, { password_changed: true }>('user.auth.password_reset_confirm'),
    jwks: rpcSubject<EmptyRequest, JwksReply>('user.auth.jwks'),
  },
  mfa: {
    enroll: rpcSubject<EmptyRequest, MfaEnrollView>('user.mfa.enroll'),
    activate: rpcSubject<MfaCodeRequest, MfaActivatedView>('user.mfa.activate'),
    disable: rpcSubject<MfaCodeRequest, { mfa_enabled: false }>('user.mfa.disable'),
  },
  users: {
    me: rpcSubject<EmptyRequest, UserView>('user.users.me'),
    list: rpcSubject<ListUsersQuery, Page<UserView>>('user.users.list'),
    create: rpcSubject<CreateUserRequest, UserView>('user.users.create'),
    get: rpcSubject<IdParam, UserView>('user.users.get'),
    update: rpcSubject<UpdateUserCommand, UserView>('user.users.update'),
    deactivate: rpcSubject<IdParam, UserView>('user.users.deactivate'),
    setRole: rpcSubject<SetRoleCommand, UserView>('user.users.set_role'),
  },
  apiKeys: {
    list: rpcSubject<EmptyRequest, { data: ApiKeyView[] }>('user.api_keys.list'),
    create: rpcSubject<CreateApiKeyRequest, CreatedApiKeyView>('user.api_keys.create'),
    revoke: rpcSubject<IdParam, ApiKeyView>('user.api_keys.revoke'),
    verify: rpcSubject<VerifyApiKeyCommand, VerifyApiKeyReply>('user.api_keys.verify'),
  },
  tenant: {
    get: rpcSubject<EmptyRequest, TenantView>('user.tenant.get'),
    update: rpcSubject<UpdateTenantCommand, TenantView>('user.tenant.update'),
    /**
     * The tenant's enabled modules, for services that gate a feature on them (telephony's
     * compliance gate). Answered for any caller of the tenant, including a provider callback
     * acting for it, since it reveals nothing but which parts of the product are switched on.
     */
    modules: rpcSubject<EmptyRequest, TenantModulesView>('user.tenant.modules'),
  },
  billing: {
    checkout: rpcSubject<CheckoutRequest, BillingRedirectView>('user.billing.checkout'),
    portal: rpcSubject<EmptyRequest, BillingRedirectView>('user.billing.portal'),
    subscription: rpcSubject<EmptyRequest, SubscriptionView>('user.billing.subscription'),
    /** A Stripe webhook (no context): verified, deduplicated and applied by user-service. */
    stripeWebhook: rpcSubject<StripeWebhookCommand, { received: true }>('user.billing.stripe_webhook'),
  },
} as const;

/** Events published by user-service (stream EVT_USER), with their payload types. */
export const IdentityEvents = {
  tenantCreated: eventSubject<TenantEvent>('evt.user.tenant.created', 'tenant'),
  tenantUpdated: eventSubject<TenantEvent>('evt.user.tenant.updated', 'tenant'),
  userCreated: eventSubject<UserCreatedEvent>('evt.user.user.created', 'user'),
  userInvited: eventSubject<OneTimeTokenIssuedEvent>('evt.user.user.invited', 'user'),
  userUpdated: eventSubject<UserUpdatedEvent>('evt.user.user.updated', 'user'),
  userRoleChanged: eventSubject<UserRoleChangedEvent>('evt.user.user.role_changed', 'user'),
  userDeactivated: eventSubject<UserEvent>('evt.user.user.deactivated', 'user'),
  loginSucceeded: eventSubject<LoginSucceededEvent>('evt.user.auth.login_succeeded', 'user'),
  loginFailed: eventSubject<LoginFailedEvent>('evt.user.auth.login_failed', 'user'),
  refreshReused: eventSubject<RefreshReusedEvent>('evt.user.auth.refresh_reused', 'user'),
  loggedOut: eventSubject<UserEvent>('evt.user.auth.logged_out', 'user'),
  passwordResetRequested: eventSubject<OneTimeTokenIssuedEvent>('evt.user.auth.password_reset_requested', 'user'),
  passwordReset: eventSubject<PasswordResetEvent>('evt.user.auth.password_reset', 'user'),
  mfaEnabled: eventSubject<UserEvent>('evt.user.auth.mfa_enabled', 'user'),
  mfaDisabled: eventSubject<UserEvent>('evt.user.auth.mfa_disabled', 'user'),
  apiKeyCreated: eventSubject<ApiKeyEvent & { name: string; role: string }>('evt.user.api_key.created', 'api_key'),
  apiKeyRevoked: eventSubject<ApiKeyEvent>('evt.user.api_key.revoked', 'api_key'),
  /** Plan, modules, seats or billing state changed through Stripe (audited like every event). */
  tenantPlanChanged: eventSubject<TenantPlanChangedEvent>('evt.user.tenant.plan_changed', 'tenant'),
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
