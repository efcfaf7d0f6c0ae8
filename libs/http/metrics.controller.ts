import { Controller, Get, Header, OnModuleInit } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '@libs/access/access.decorators';
import { REFUSALS } from './openapi';
import { JobProducer } from '@libs/jobs/job-producer';
import { registerQueueDepth, registry } from '@libs/metrics/metrics';

/**
 * Prometheus text for the scraper. Not public: queue depths, error counts and routes describe the
 * system to whoever reads them, so the scraper holds a viewer token (Prometheus' `authorization`
 * with a bearer credential), like a dashboard.
 */
@ApiTags('metrics')
@ApiBearerAuth()
@Allow('admin', 'viewer')
@Controller()
export class MetricsController implements OnModuleInit {
  constructor(private readonly jobs: JobProducer) {}

  onModuleInit() {
    registerQueueDepth(this.jobs);
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics (a viewer or admin token)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string' } })
  @ApiResponse({ status: 401, ...REFUSALS[401] })
  @ApiResponse({ status: 403, ...REFUSALS[403] })
  @Header('Content-Type', registry.contentType)
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
