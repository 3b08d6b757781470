import { IsString, Matches } from 'class-validator';
import { ServiceConfig } from '@engage/config';

/** user-service settings: the shared service settings plus its secrets. */
export class UserConfig extends ServiceConfig {
  override PORT = 3001;

  /** 32 random bytes, base64: encrypts signing keys and MFA secrets at rest (AES-256-GCM). */
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'ENCRYPTION_KEY must be 32 bytes, base64-encoded' })
  ENCRYPTION_KEY: string;

  /** `iss` of the access tokens; the gateway expects the same. */
  @IsString()
  JWT_ISSUER = 'engage';
}
