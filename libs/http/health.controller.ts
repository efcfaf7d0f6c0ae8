import { Controller, Get } from '@nestjs/common';
import { HealthCheck } from '@nestjs/terminus';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@libs/access/access.decorators';
import { HealthChecks } from '@libs/metrics/health.checks';

/** Liveness and readiness for orchestrators: public, and never touches the credential store. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly checks: HealthChecks) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'The process is up (liveness): never touches PostgreSQL or Redis' })
  live() {
    return this.checks.live();
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: "PostgreSQL and Redis answer (readiness); the Dockerfile's HEALTHCHECK and compose ask this" })
  @ApiResponse({ status: 503, description: 'PostgreSQL or Redis does not answer: the terminus report says which' })
  ready() {
    return this.checks.ready();
  }
}
