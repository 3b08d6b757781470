/** A public signing key as a JSON Web Key. */
export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  kid: string;
  alg: string;
  use: 'sig';
}

export interface JwksReply {
  keys: PublicJwk[];
}

/** Claims of an Engage access token. */
export interface AccessTokenClaims {
  sub: string;
  tid: string;
  role: 'admin' | 'manager' | 'rep';
  jti: string;
  iat: number;
  /** Issue time in milliseconds: revocation-by-time needs sub-second precision. */
  iat_ms?: number;
  exp: number;
  iss: string;
}

export interface VerifyApiKeyRequest {
  key: string;
}

export interface VerifyApiKeyReply {
  api_key_id: string;
  tenant_id: string;
  /** The user the key acts as (its creator) — for ownership and audit. */
  user_id: string;
  role: 'admin' | 'manager' | 'rep';
}
