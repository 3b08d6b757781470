import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Operations } from '../auth/route-access.decorator';

const registry = new Registry();
registry.setDefaultLabels({ service: 'api-gateway' });
collectDefaultMetrics({ register: registry });

@ApiExcludeController()
@Controller()
export class MetricsController {
  /** Node's metrics (version, memory, event loop): for the Prometheus scrape, with the ops token. */
  @Operations()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics() {
    return registry.metrics();
  }
}
