/**
 * Polls `probe` every `everyMs` until it answers something truthy (which it returns), or fails
 * with "timed out waiting for <what>" after `timeoutMs`: for outcomes that arrive asynchronously
 * (a sync, a consumer, a push), without a fixed sleep.
 */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
