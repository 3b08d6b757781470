import { Histogram, type Registry } from 'prom-client';

/** Latency and outcome of every NATS request a service answers. */
export class RpcMetrics {
  private readonly histogram: Histogram<'subject' | 'outcome'>;

  constructor(registry: Registry) {
    this.histogram = new Histogram({
      name: 'engage_rpc_server_duration_seconds',
      help: 'Time to answer a NATS request, by subject and outcome (ok or error code)',
      labelNames: ['subject', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  }

  observe(subject: string, outcome: string, seconds: number) {
    this.histogram.observe({ subject, outcome }, seconds);
  }
}
