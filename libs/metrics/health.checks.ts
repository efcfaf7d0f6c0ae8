import { Injectable } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { JobProducer } from '@libs/jobs/job-producer';

/**
 * Liveness and readiness as @nestjs/terminus reports them, one definition for the API's /health
 * routes and the worker's health port, so both answer in the same shape. A failed check throws
 * terminus's ServiceUnavailableException carrying that same report.
 */
@Injectable()
export class HealthChecks {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    private readonly jobs: JobProducer,
  ) {}

  /** The process is up and its event loop turns. */
  live() {
    return this.health.check([]);
  }

  /** PostgreSQL answers and Redis answers (when the process uses Redis). */
  ready() {
    return this.health.check([
      () => this.database.pingCheck('postgres', { timeout: 2000 }),
      async () => {
        const check = this.indicator.check('redis');
        if (!this.jobs.available) return check.up({ message: 'not configured; reminders wait' });
        try {
          await Promise.race([
            this.jobs.allQueues()[0].getJobCounts('waiting'),
            new Promise((_, fail) => setTimeout(() => fail(new Error('Redis did not answer within 2 s')), 2000)),
          ]);
          return check.up();
        } catch (error) {
          return check.down({ message: (error as Error).message });
        }
      },
    ]);
  }
}
