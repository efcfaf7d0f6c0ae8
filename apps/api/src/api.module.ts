import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccessGuard } from '@libs/access/access.guard';
import { AccessModule } from '@libs/access/access.module';
import { CoreModule } from '@libs/core/core.module';
import { GraphQLErrorFilter } from '@libs/core/errors/graphql-errors';
import { inputValidationPipe } from '@libs/core/validation/validation.pipe';
import { ResolversModule } from '@libs/graphql/resolvers.module';
import { HttpModule } from '@libs/http/http.module';
import { FootprintModule } from '@libs/footprint/footprint.module';
import { GraphqlApiModule } from '@libs/graphql/graphql-api.module';
import { HealthModule } from '@libs/http/health.module';
import { JobsModule } from '@libs/jobs/jobs.module';
import { MetricsModule } from '@libs/http/metrics.module';
import { MilestonesModule } from '@libs/milestones/milestones.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { ReferenceModule } from '@libs/reference/reference.module';
import type { Runtime } from '@libs/core/runtime/runtime';
import { SelfReportModule } from '@libs/self-report/self-report.module';
import { RemindersModule } from '@libs/reminders/reminders.module';
import { DashboardModule } from '@libs/dashboard/dashboard.module';
import { ImportsModule } from '@libs/imports/imports.module';
import { WorkerModule } from '@libs/worker/worker.module';

@Module({})
export class ApiModule {
  /** `withWorker`: the single-machine main job, API and worker in one process. */
  static forRoot(runtime: Runtime, options: { withWorker: boolean }): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(runtime),
        JobsModule.forRoot(runtime),
        GraphqlApiModule,
        ResolversModule,
        HttpModule,
        ReferenceModule,
        ProgrammesModule,
        OrganisationsModule,
        FootprintModule,
        MilestonesModule,
        SelfReportModule,
        RemindersModule,
        DashboardModule,
        ImportsModule,
        AccessModule,
        HealthModule,
        MetricsModule,
        ...(options.withWorker && runtime.redisUrl ? [WorkerModule] : []),
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: GraphQLErrorFilter },
        { provide: APP_PIPE, useValue: inputValidationPipe },
      ],
    };
  }
}
