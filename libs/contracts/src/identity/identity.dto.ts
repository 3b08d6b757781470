import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { IsUnambiguousEmail } from '../common/email';
import { PageQuery } from '../common/pagination';
import { type Role, Roles } from '../common/roles';
import { PlainDataMap } from '../common/plain-map';
import { PlanModules } from './plans';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

// ---- requests -------------------------------------------------------------------------

export class SignupRequest {
  @ApiProperty({ example: 'Acme Inc.' })
  @IsString()
  @Length(1, 200)
  company_name: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  full_name: string;

  @ApiProperty({ example: 'ada@acme.test' })
  // Checked once cleaned (NFKC, invisible characters removed): see libs/contracts common/email.ts.
  @IsUnambiguousEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, description: 'At least 12 characters, not the email, not a common password' })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password: string;
}

export class LoginRequest {
  @ApiProperty({ description: 'The tenant slug', example: 'acme' })
  @IsString()
  @Length(1, 100)
  tenant: string;

  @ApiProperty()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password: string;
}

/** What the gateway forwards for a login: the body plus the client address (throttling is per account + IP). */
export class LoginCommand extends LoginRequest {
  @IsString()
  @MaxLength(64)
  ip: string;
}

export class LoginMfaRequest {
  @ApiProperty({ description: 'The mfa_token returned by login' })
  @IsString()
  @Length(10, 200)
  mfa_token: string;

  @ApiProperty({ description: 'A 6-digit TOTP code or a recovery code' })
  @IsString()
  @Length(6, 32)
  code: string;
}

export class LoginMfaCommand extends LoginMfaRequest {
  @IsString()
  @MaxLength(64)
  ip: string;
}

export class RefreshRequest {
  @ApiPropertyOptional({ description: 'Omit when the browser sends the refresh cookie' })
  @IsOptional()
  @IsString()
  @Length(10, 300)
  refresh_token?: string;
}

export class LogoutCommand {
  @IsOptional()
  @IsString()
  @Length(10, 300)
  refresh_token?: string;

  /** The access token being logged out: denylisted until it expires. */
  @IsString()
  @Length(1, 100)
  jti: string;

  @Type(() => Number)
  @IsInt()
  exp: number;
}

export class PasswordResetRequest {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  tenant: string;

  @ApiProperty()
  @IsEmail()
  @MaxLength(254)
  email: string;
}

export class PasswordResetConfirm {
  @ApiProperty({ description: 'The token from the reset (or invitation) email' })
  @IsString()
  @Length(10, 300)
  token: string;

  @ApiProperty()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  new_password: string;
}

export class MfaCodeRequest {
  @ApiProperty({ description: 'A 6-digit code from the authenticator app' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class CreateUserRequest {
  @ApiProperty()
  // Checked once cleaned (NFKC, invisible characters removed): see libs/contracts common/email.ts.
  @IsUnambiguousEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  full_name: string;

  @ApiProperty({ enum: Roles })
  @IsIn(Roles)
  role: Role;

  @ApiPropertyOptional({ description: 'With a password the user is created active; without, an invitation is sent' })
  @IsOptional()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password?: string;
}

export class UpdateUserRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  full_name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  // Checked once cleaned (NFKC, invisible characters removed): see libs/contracts common/email.ts.
  @IsUnambiguousEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ description: 'false deactivates the user (same as DELETE)' })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}

export class SetRoleRequest {
  @ApiProperty({ enum: Roles })
  @IsIn(Roles)
  role: Role;
}

export class IdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}

export class UpdateUserCommand extends UpdateUserRequest {
  @IsUUID('all')
  id: string;

  /** From If-Match: the version the caller read; a stale one answers 412. */
  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}

export class SetRoleCommand extends SetRoleRequest {
  @IsUUID('all')
  id: string;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: Roles })
  @IsOptional()
  @IsIn(Roles)
  role?: Role;
}

export class CreateApiKeyRequest {
  @ApiProperty({ example: 'Zapier sync' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: Roles, description: 'What the key may do, as that role' })
  @IsIn(Roles)
  role: Role;

  @ApiPropertyOptional({ description: 'ISO-8601 expiry; none = until revoked' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expires_at?: string;
}

export class UpdateTenantRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsIn(PlanModules, { each: true })
  enabled_modules?: string[];

  @ApiPropertyOptional({ description: 'Tenant settings, e.g. default_country, timezone, call frequency cap' })
  @IsOptional()
  @PlainDataMap()
  settings?: Record<string, unknown>;
}

// ---- responses ------------------------------------------------------------------------

/** Which modules a tenant has switched on (`crm` always). */
export class TenantModulesView {
  @ApiProperty({ type: [String], example: ['crm', 'telephony'] }) enabled_modules: string[];
}

export class TenantView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: ['basic', 'pro', 'enterprise'] }) plan: 'basic' | 'pro' | 'enterprise';
  @ApiProperty({ type: [String] }) enabled_modules: string[];
  @ApiProperty({ type: Object }) settings: Record<string, unknown>;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
  @ApiProperty() version: number;
}

export class UserView {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() full_name: string;
  @ApiProperty({ enum: Roles }) role: Role;
  @ApiProperty() is_active: boolean;
  @ApiProperty() mfa_enabled: boolean;
  @ApiProperty({ description: 'false while an invitation is pending' }) has_password: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) last_login_at: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
  @ApiProperty() version: number;
}

export class TokenPairView {
  @ApiProperty() access_token: string;
  @ApiPropertyOptional({ description: 'Absent for browser clients, which get it as an httpOnly cookie' }) refresh_token?: string;
  @ApiProperty({ example: 'Bearer' }) token_type: 'Bearer';
  @ApiProperty({ example: 900 }) expires_in: number;
  @ApiProperty({ type: UserView }) user: UserView;
}

export class SignupView extends TokenPairView {
  @ApiProperty({ type: TenantView }) tenant: TenantView;
}

export class MfaChallengeView {
  @ApiProperty({ example: true }) mfa_required: true;
  @ApiProperty() mfa_token: string;
}

export class MfaEnrollView {
  @ApiProperty() secret: string;
  @ApiProperty({ description: 'otpauth:// URL for a QR code' }) otpauth_url: string;
}

export class MfaActivatedView {
  @ApiProperty({ type: [String], description: 'Shown once; each works once instead of a code' }) recovery_codes: string[];
}

export class ApiKeyView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'First characters, to recognise the key' }) prefix: string;
  @ApiProperty({ enum: Roles }) role: Role;
  @ApiProperty() created_by: string;
  @ApiPropertyOptional({ nullable: true, type: String }) expires_at: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) last_used_at: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) revoked_at: string | null;
  @ApiProperty() created_at: string;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The key itself: shown once, store it now' }) key: string;
}

export class UpdateTenantCommand extends UpdateTenantRequest {
  /** From If-Match: the version the caller read; a stale one answers 412. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  if_match?: number;
}

export class VerifyApiKeyCommand {
  @IsString()
  @Length(10, 200)
  key: string;
}
