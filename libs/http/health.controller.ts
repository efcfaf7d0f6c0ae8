import { Controller, Get } from '@nestjs/common';
import { HealthCheck } from '@nestjs/terminus';
import { Public } from '../access/access.decorators';
import { HealthChecks } from '../metrics/health.checks';

/** Liveness and readiness for orchestrators: public, and never touches the credential store. */
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly checks: HealthChecks) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.checks.live();
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.checks.ready();
  }
}
