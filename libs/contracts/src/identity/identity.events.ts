import type { Role } from '../common/roles';
import type { TenantView } from './identity.dto';

/**
 * Payloads of the events user-service publishes (inside an EventEnvelope). They double as the
 * audit trail: they never carry passwords, hashes or tokens, except the one-time token of an
 * invitation or a reset, which the notification service mails (docs/adr/0006).
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
export interface OneTimeTokenIssuedEvent {
  user_id: string;
  email: string;
  full_name: string | null;
  token: string;
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
