/**
 * Back-off for work that waits on something else to recover (a stream not created yet, NATS or
 * PostgreSQL down, an event whose effect failed): the delay doubles from `baseMs` per attempt up to
 * `maxMs`. One definition, so every loop in the suite backs off the same way.
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** The delay before retry number `attempt` (0 = first retry). */
export const backoffDelay = ({ baseMs, maxMs }: Backoff, attempt: number): number => Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));

export interface RetryOptions extends Backoff {
  /** Tries in all, the first included. */
  attempts: number;
  /** Whether this error is worth another try (default: every error). */
  retryable?: (error: unknown) => boolean;
  /** Checked before each retry: a stopped caller gives up at once. */
  stopped?: () => boolean;
}

/** Runs `work` until it succeeds, an error is not retryable, the caller stopped, or the attempts are spent. */
export async function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const more = attempt + 1 < options.attempts && !options.stopped?.() && (options.retryable?.(error) ?? true);
      if (!more) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(options, attempt)));
    }
  }
}
