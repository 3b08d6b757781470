import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { JetStreamClient, JetStreamManager } from 'nats';
import { streamOfEvent } from '@engage/contracts';
import { TenantDatabase } from '@engage/database';
import type { Logger } from '@engage/logging';
import { DurableConsumer, type EventHandlerOf, ON_EVENT, type OnEventMetadata } from '@engage/messaging';
import type { ServiceDefinition } from './service-definition';
import { JETSTREAM, JETSTREAM_MANAGER, LOGGER, SERVICE_DEFINITION } from './tokens';

/**
 * Finds every `@OnEvent` method of the service's providers and runs each as a durable consumer
 * of its event, with the service's inbox. Started after boot (without holding up readiness: a
 * consumer waits for its publisher's stream) and stopped before the NATS connection drains, so
 * the event in hand finishes and nothing unacknowledged is lost.
 */
@Injectable()
export class EventConsumers {
  private readonly consumers: DurableConsumer[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly db: TenantDatabase,
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The consumers found, by durable name (for tests and diagnostics). */
  get names(): string[] {
    return this.consumers.map((c) => c.name);
  }

  start(): void {
    const seen = new Set<string>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = instance[method] as EventHandlerOf<unknown>;
        const meta = Reflect.getMetadata(ON_EVENT, handler) as OnEventMetadata | undefined;
        if (!meta) continue;
        if (seen.has(meta.durable)) throw new Error(`two @OnEvent handlers share the durable name ${meta.durable}`);
        seen.add(meta.durable);
        this.consumers.push(
          new DurableConsumer({
            name: meta.durable,
            stream: streamOfEvent(meta.event.subject),
            filterSubject: meta.event.subject,
            maxDeliver: meta.maxDeliver,
            ackWaitMs: meta.ackWaitMs,
            versions: meta.versions,
            concurrency: meta.concurrency,
            batch: meta.batch,
            order: meta.order,
            schema: this.definition.schema,
            db: this.db,
            js: this.js,
            jsm: this.jsm,
            logger: this.logger,
            handle: (tx, event) => handler.call(instance, tx, event),
          }),
        );
      }
    }
    for (const consumer of this.consumers) {
      consumer.start().catch((error: unknown) => this.logger.error({ err: error, consumer: consumer.name }, 'event consumer did not start'));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
