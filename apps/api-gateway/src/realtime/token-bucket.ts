/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. Each client frame takes one; a socket
 * whose bucket is empty is sending faster than any client of the protocol needs to (it sends an
 * auth frame, the odd re-auth and a ping every few seconds) and is closed.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.at = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
