import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { lastValueFrom } from 'rxjs';
import { contextFromHeaders, runWithContext } from '@engage/context';
import { DomainError, toErrorEnvelope } from '@engage/errors';
import type { Logger } from '@engage/logging';
import { decodeJson, encodeDataReply, encodeJson } from '../connection';
import { NatsRpcContext } from './rpc-context';
import type { RpcMetrics } from './rpc-metrics';

export interface NatsRpcServerOptions {
  nc: NatsConnection;
  /** The queue group: the service name, so that N replicas share the load. */
  queue: string;
  logger: Logger;
  metrics?: RpcMetrics;
}

/**
 * A lean NestJS transport for NATS request-reply. Each `@MessagePattern(subject)` handler is
 * subscribed in the service's queue group; context comes from headers; replies are
 * `{ data }` or `{ error: envelope }`, so domain errors keep their code and status across the hop.
 */
export class NatsRpcServer extends Server implements CustomTransportStrategy {
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly options: NatsRpcServerOptions) {
    super();
  }

  listen(callback: () => void): void {
    for (const [subject, handler] of this.messageHandlers) {
      const sub = this.options.nc.subscribe(subject, {
        queue: this.options.queue,
        callback: (err, msg) => {
          if (err) {
            this.options.logger.error({ err, subject }, 'subscription error');
            return;
          }
          void this.handle(subject, handler, msg);
        },
      });
      this.subscriptions.push(sub);
    }
    callback();
  }

  private async handle(subject: string, handler: (data: unknown, ctx: NatsRpcContext) => unknown, msg: Msg) {
    const ctx = contextFromHeaders((name) => msg.headers?.get(name) || undefined);
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    await runWithContext(ctx, async () => {
      try {
        const data = msg.data.length > 0 ? decodeJson<unknown>(msg.data) : {};
        const result = await lastValueFrom(this.transformToObservable(await handler(data, new NatsRpcContext([ctx, subject]))), {
          defaultValue: null,
        });
        msg.respond(encodeDataReply(result));
      } catch (error) {
        outcome = error instanceof DomainError ? error.code : 'internal';
        if (!(error instanceof DomainError) || error.status >= 500) {
          this.options.logger.error({ err: error, subject }, 'request failed');
        }
        msg.respond(encodeJson({ error: toErrorEnvelope(error) }));
      }
    });
    this.options.metrics?.observe(subject, outcome, Number(process.hrtime.bigint() - started) / 1e9);
  }

  /** Stops taking new requests; in-flight ones finish (the connection itself is drained by its owner). */
  async close(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.drain().catch(() => undefined)));
  }

  on(): void {
    // Connection events are observed where the connection is created (connectNats).
  }

  unwrap<T>(): T {
    return this.options.nc as T;
  }
}
