import { IsOptional, IsString, IsUrl, Matches } from 'class-validator';
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

  /** Stripe secret key (the stand-in's development key in development and tests). */
  @IsString()
  @Matches(/^(sk|rk)_(test|live)_/, { message: 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_… or sk_live_…)' })
  STRIPE_SECRET_KEY = 'sk_test_51EngageStandIn0DevelopmentOnly0NotASecret';

  /** Signing secret of the /webhooks/stripe endpoint (whsec_…). */
  @IsString()
  @Matches(/^whsec_/, { message: 'STRIPE_WEBHOOK_SECRET must start with whsec_' })
  STRIPE_WEBHOOK_SECRET = 'whsec_EngageStandInDevelopmentSigningSecret0';

  /** The Stripe stand-in's base URL; unset, the SDK talks to api.stripe.com. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  STRIPE_API_BASE_URL?: string;

  /** Where Checkout and the Customer Portal send the admin back to (the web app). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL?: string;
}
