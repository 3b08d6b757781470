/**
 * A local stand-in for an external provider (Twilio, Stripe, Google, SMTP). Without credentials
 * (development, tests, CI) the services point the provider's official SDK at a stand-in, which
 * answers the same paths and sends the same signed callbacks the provider sends (SPEC §6).
 *
 * Each stand-in lives in `tools/providers/<name>/` and exports a `start…StandIn(options)` function
 * returning this handle; the stack runner starts them all and writes `.engage/providers.json`
 * from their `describe()` output, so tests and tools can sign callbacks as the provider does.
 */
export interface StandIn {
  /** The key under which it appears in `.engage/providers.json`. */
  readonly name: string;
  /** Base URL the SDK is pointed at (http://127.0.0.1:<port>). */
  readonly url: string;
  /** What `.engage/providers.json` records: the URL, development credentials, control endpoints. */
  describe(): Record<string, string | number>;
  stop(): Promise<void>;
}

export interface StandInOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
}
