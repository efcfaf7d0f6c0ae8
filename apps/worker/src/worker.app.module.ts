import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@libs/core/core.module';
import { JobsModule } from '@libs/jobs/jobs.module';
import type { Runtime } from '@libs/core/runtime/runtime';
import { WorkerModule } from '@libs/worker/worker.module';
import { HealthChecksModule } from '@libs/metrics/health-checks.module';

@Module({})
export class WorkerAppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: WorkerAppModule, imports: [CoreModule.forRoot(runtime), JobsModule.forRoot(runtime), WorkerModule, HealthChecksModule] };
  }
}
