import { Controller, Get, Header, OnModuleInit } from '@nestjs/common';
import { Allow } from '../access/access.decorators';
import { JobProducer } from '../jobs/job-producer';
import { registerQueueDepth, registry } from '../metrics/metrics';

/**
 * Prometheus text for the scraper. Not public: queue depths, error counts and routes describe the
 * system to whoever reads them, so the scraper holds a viewer token (Prometheus' `authorization`
 * with a bearer credential), like a dashboard.
 */
@Allow('admin', 'viewer')
@Controller()
export class MetricsController implements OnModuleInit {
  constructor(private readonly jobs: JobProducer) {}

  onModuleInit() {
    registerQueueDepth(this.jobs);
  }

  @Get('metrics')
  @Header('Content-Type', registry.contentType)
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
