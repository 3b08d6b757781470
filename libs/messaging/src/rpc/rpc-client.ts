import { ErrorCode as NatsErrorCode, headers as natsHeaders, type NatsConnection, NatsError } from 'nats';
import type { RpcReply } from '@engage/contracts';
import { contextToHeaders, type RequestContext } from '@engage/context';
import { DomainError, TimeoutError, UnavailableError } from '@engage/errors';
import { decodeJson, encodeJson } from '../connection';

export interface RpcRequestOptions {
  /** Overrides the client's default timeout for slow operations. */
  timeoutMs?: number;
}

/**
 * Request-reply over NATS with the caller's context in headers and a timeout on every call.
 * A remote domain error is rethrown as a {@link DomainError} with the same code and status; a
 * timeout becomes 504 `timeout`, no responders (service down) 503 `unavailable`.
 */
export class RpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs: number,
  ) {}

  async request<TResponse, TRequest = unknown>(
    subject: string,
    payload: TRequest,
    ctx: RequestContext,
    options: RpcRequestOptions = {},
  ): Promise<TResponse> {
    const headers = natsHeaders();
    for (const [name, value] of contextToHeaders(ctx)) headers.set(name, value);
    let reply: RpcReply<TResponse>;
    try {
      const msg = await this.nc.request(subject, encodeJson(payload), {
        timeout: options.timeoutMs ?? this.defaultTimeoutMs,
        headers,
      });
      reply = decodeJson<RpcReply<TResponse>>(msg.data);
    } catch (error) {
      throw mapTransportError(error, subject);
    }
    if (reply.error) throw DomainError.fromEnvelope(reply.error);
    return reply.data as TResponse;
  }
}

const serviceOf = (subject: string) => `The ${subject.split('.')[0]} service`;

export function mapTransportError(error: unknown, subject: string): DomainError {
  if (error instanceof NatsError && error.code === NatsErrorCode.Timeout) return new TimeoutError(serviceOf(subject));
  // No responders, a closed or reconnecting connection: the service cannot be reached right now.
  return new UnavailableError(serviceOf(subject));
}
