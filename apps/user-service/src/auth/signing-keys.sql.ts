import type { Tx } from '@engage/database';

/** A platform key pair as stored (`identity.signing_keys`, no tenant); the private half sealed. */
export interface SigningKeyRow {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  privateKeyEnc: string;
  createdAt: Date;
  /** After this, the key no longer signs but still verifies until old tokens have expired. */
  retiredAt: Date | null;
}

// Times stay Dates: the service compares them with the clock, never sends them anywhere.
const COLUMNS = `kid, alg, public_jwk AS "publicJwk", private_key_enc AS "privateKeyEnc", created_at AS "createdAt", retired_at AS "retiredAt"`;

/** Every key, newest first (the JWKS filters out those retired long enough ago). */
export function allSigningKeys(tx: Tx): Promise<SigningKeyRow[]> {
  return tx.query<SigningKeyRow>(`SELECT ${COLUMNS} FROM identity.signing_keys ORDER BY created_at DESC`);
}

/**
 * Serialises every replica's choice of the active key until the transaction ends, so that two
 * replicas starting at once do not both make a new key.
 */
export async function lockSigningKeys(tx: Tx): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('identity.signing_keys'))`);
}

/** The newest key that has not been retired, if any. */
export async function activeSigningKey(tx: Tx): Promise<SigningKeyRow | null> {
  const rows = await tx.query<SigningKeyRow>(`SELECT ${COLUMNS} FROM identity.signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1`);
  return rows[0] ?? null;
}

export async function retireSigningKey(tx: Tx, kid: string, at: Date): Promise<void> {
  await tx.query(`UPDATE identity.signing_keys SET retired_at = $2 WHERE kid = $1`, [kid, at]);
}

export async function insertSigningKey(tx: Tx, key: Pick<SigningKeyRow, 'kid' | 'alg' | 'publicJwk' | 'privateKeyEnc'>): Promise<SigningKeyRow> {
  const rows = await tx.query<SigningKeyRow>(
    `INSERT INTO identity.signing_keys (kid, alg, public_jwk, private_key_enc, retired_at) VALUES ($1, $2, $3::jsonb, $4, NULL) RETURNING ${COLUMNS}`,
    [key.kid, key.alg, JSON.stringify(key.publicJwk), key.privateKeyEnc],
  );
  return rows[0];
}
