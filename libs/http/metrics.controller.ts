import { Controller, Get, Header, OnModuleInit } from '@nestjs/common';
import { JobProducer } from '../jobs/job-producer';
import { registerQueueDepth, registry } from '../metrics/metrics';

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
