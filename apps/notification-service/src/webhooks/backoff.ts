/** The longest a receiver's `Retry-After` may push the next try (one day). */
const RETRY_AFTER_MAX_MS = 24 * 3_600_000;
/** ±20 %: receivers that failed together are not all retried in the same second. */
const JITTER = 0.2;

/** What one attempt came to, as far as retrying goes. */
export type AttemptVerdict = 'succeeded' | 'retry' | 'final';

/**
 * 2xx is delivered. 408 (timeout), 409 (conflict), 429 (rate limited), every 5xx, timeouts and
 * connection errors are worth trying again. Any other 4xx says the receiver will not take this
 * delivery, so trying again only hammers it: final.
 */
export function verdictOf(status: number | null): AttemptVerdict {
  if (status === null) return 'retry';
  if (status >= 200 && status < 300) return 'succeeded';
  if (status === 408 || status === 409 || status === 429 || status >= 500) return 'retry';
  return 'final';
}

/**
 * Milliseconds until the try after try number `step` (0-based, counted from the first), or null
 * when the schedule is over (dead letter). A `Retry-After` longer than the schedule's delay wins.
 */
export function nextDelayMs(schedule: readonly number[], step: number, retryAfterMs: number | null = null, random: () => number = Math.random): number | null {
  const base = schedule[step];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * random()));
  return retryAfterMs !== null && retryAfterMs > jittered ? Math.min(retryAfterMs, RETRY_AFTER_MAX_MS) : jittered;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
