import type { Role } from '../common/roles';
import type { TenantView } from './identity.dto';

/**
 * Payloads of the events user-service publishes (inside an EventEnvelope). They double as the
 * audit trail: they never carry passwords, hashes or tokens. The one-time token of an invitation
 * or a reset goes from user-service to notification-service by a direct request, never in an event
 * (docs/adr/0024, superseding 0006).
 */
export interface TenantEvent {
  tenant: TenantView;
}
export interface UserEvent {
  user_id: string | null;
}
export interface UserCreatedEvent {
  user_id: string;
  email: string;
  role: Role;
  invited?: boolean;
}
export interface UserUpdatedEvent {
  user_id: string;
  changed: string[];
}
export interface UserRoleChangedEvent {
  user_id: string;
  from: Role;
  to: Role;
}
/** An invitation or password-reset link was issued (and mailed); the link's token is not here. */
export interface OneTimeTokenIssuedEvent {
  user_id: string;
  email: string;
  full_name: string | null;
  expires_at: string;
}
export interface LoginSucceededEvent {
  user_id: string;
  ip: string | null;
  method: string;
}
export interface LoginFailedEvent {
  user_id: string | null;
  ip: string | null;
  reason: 'unknown_email' | 'inactive' | 'bad_password' | (string & {});
}
export interface RefreshReusedEvent {
  user_id: string;
  family_id: string;
}
export interface PasswordResetEvent {
  user_id: string;
  purpose: string;
}
export interface ApiKeyEvent {
  api_key_id: string;
}
