import { createHash } from 'node:crypto';

/** The `prev_hash` of a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an audit entry says, in the form that is hashed (and stored). */
export interface AuditContent {
  tenant_id: string;
  seq: number;
  id: string;
  occurred_at: string;
  actor_id: string | null;
  service: string;
  entity: string;
  entity_id: string;
  action: string;
  request_id: string | null;
  source_event_id: string;
  changes: Record<string, unknown>;
}

/**
 * Canonical JSON: object keys sorted at every depth, no whitespace. The same content always
 * gives the same text, whatever order a service or PostgreSQL's jsonb put the keys in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 (hex) of the previous entry's hash, a newline, and this entry's canonical content. */
export function chainHash(prevHash: string, content: AuditContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

/** Field names whose values never enter the audit trail (one-time tokens, secrets, credentials). */
const SECRET = /(^|_)(token|password|secret|otp|recovery_codes?|key_hash|hash|code|signature)$/i;

/**
 * The event's payload as the audit keeps it: secrets replaced by "[redacted]", and text that
 * PostgreSQL's jsonb cannot hold (NUL) removed.
 */
export function redact(value: unknown, key = ''): unknown {
  if (key && SECRET.test(key) && value !== null && value !== undefined) return '[redacted]';
  if (typeof value === 'string') return value.replace(/\u0000/g, '');
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redact(v, k)]));
  return value;
}
