import { createInbox, headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from 'nats';
import type { ReplyOf, RequestOf, RpcReply, RpcSubject } from '@engage/contracts';
import { contextToHeaders, type RequestContext } from '@engage/context';
import { DomainError, TimeoutError, UnavailableError } from '@engage/errors';
import { dataOfReply, decodeJson, encodeJson } from '../connection';

export interface RpcRequestOptions {
  /** Overrides the client's default timeout for slow operations. */
  timeoutMs?: number;
}

interface Pending {
  resolve: (msg: Msg) => void;
  reject: (error: DomainError) => void;
  deadline: number;
  subject: string;
}

/** How often pending requests are checked against their deadlines. */
const SWEEP_MS = 25;

/**
 * Request-reply over NATS with the caller's context in headers and a timeout on every call.
 * A remote domain error is rethrown as a {@link DomainError} with the same code and status; a
 * timeout becomes 504 `timeout`, no responders (service down) 503 `unavailable`.
 *
 * Every request of the process shares one reply subscription (`<inbox>.*`) and one deadline
 * sweep: the per-request cost is a publish and a map entry. (The client library's own request()
 * builds two error objects with stack traces and a timer per call, a visible share of the
 * gateway's CPU under load.)
 */
export class RpcClient {
  private readonly pending = new Map<string, Pending>();
  private inbox: string | null = null;
  private subscription: Subscription | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private nextId = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs: number,
  ) {}

  /** Sends the subject's request and resolves with its reply; both types come from the subject. */
  async request<S extends RpcSubject<never, unknown>>(subject: S, payload: RequestOf<S>, ctx: RequestContext, options: RpcRequestOptions = {}): Promise<ReplyOf<S>> {
    const msg = await this.send(subject.subject, payload, ctx, options);
    const reply = decodeJson<RpcReply<ReplyOf<S>>>(msg.data);
    if (reply.error) throw DomainError.fromEnvelope(reply.error);
    return reply.data as ReplyOf<S>;
  }

  /**
   * Like {@link request}, but the result stays the JSON bytes the service wrote, for a caller that
   * passes it on unchanged: the gateway sends a page of contacts to the HTTP client as it came,
   * where parsing and serialising it again (30 KB for a page of search results) was a visible
   * share of its CPU per search.
   */
  async requestJson<S extends RpcSubject<never, unknown>>(subject: S, payload: RequestOf<S>, ctx: RequestContext, options: RpcRequestOptions = {}): Promise<Uint8Array> {
    const msg = await this.send(subject.subject, payload, ctx, options);
    const data = dataOfReply(msg.data);
    if (data) return data;
    const reply = decodeJson<RpcReply<unknown>>(msg.data);
    if (reply.error) throw DomainError.fromEnvelope(reply.error);
    return encodeJson(reply.data);
  }

  private send(subject: string, payload: unknown, ctx: RequestContext, options: RpcRequestOptions): Promise<Msg> {
    const headers = natsHeaders();
    for (const [name, value] of contextToHeaders(ctx)) headers.set(name, value);
    return this.exchange(subject, encodeJson(payload), headers, options.timeoutMs ?? this.defaultTimeoutMs);
  }

  private exchange(subject: string, data: Uint8Array, headers: ReturnType<typeof natsHeaders>, timeoutMs: number): Promise<Msg> {
    return new Promise<Msg>((resolve, reject) => {
      let inbox: string;
      try {
        inbox = this.replyInbox();
      } catch {
        reject(new UnavailableError(serviceOf(subject)));
        return;
      }
      const id = (this.nextId = (this.nextId + 1) % Number.MAX_SAFE_INTEGER).toString(36);
      this.pending.set(id, { resolve, reject, deadline: Date.now() + timeoutMs, subject });
      this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
      try {
        this.nc.publish(subject, data, { reply: `${inbox}.${id}`, headers });
      } catch {
        // A closed or draining connection: the service cannot be reached right now.
        this.pending.delete(id);
        reject(new UnavailableError(serviceOf(subject)));
      }
    });
  }

  /** The shared reply subscription, made on first use (and again if the connection replaced it). */
  private replyInbox(): string {
    if (this.inbox && this.subscription && !this.subscription.isClosed()) return this.inbox;
    const inbox = createInbox();
    this.subscription = this.nc.subscribe(`${inbox}.*`, { callback: (_err, msg) => this.settle(msg, inbox) });
    this.inbox = inbox;
    return inbox;
  }

  private settle(msg: Msg, inbox: string) {
    const id = msg.subject.slice(inbox.length + 1);
    const entry = this.pending.get(id);
    if (!entry) return; // answered after its deadline
    this.pending.delete(id);
    // The server answers a request nobody subscribes to with an empty 503 status message.
    if (msg.data.length === 0 && msg.headers?.code === 503) entry.reject(new UnavailableError(serviceOf(entry.subject)));
    else entry.resolve(msg);
  }

  private sweep() {
    const now = Date.now();
    for (const [id, entry] of this.pending) {
      if (entry.deadline > now) continue;
      this.pending.delete(id);
      entry.reject(new TimeoutError(serviceOf(entry.subject)));
    }
    if (this.pending.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }
}

const serviceOf = (subject: string) => `The ${subject.split('.')[0]} service`;
