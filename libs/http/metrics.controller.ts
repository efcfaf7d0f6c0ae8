import { Controller, Get, Header, OnModuleInit } from '@nestjs/common';
import { Public } from '../access/access.decorators';
import { JobProducer } from '../jobs/job-producer';
import { registerQueueDepth, registry } from '../metrics/metrics';

/** Prometheus text for the scraper: public, as it has always been. */
@Public()
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
