import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthChecks } from './health.checks';

@Module({ imports: [TerminusModule.forRoot({ logger: false, gracefulShutdownTimeoutMs: 0 })], providers: [HealthChecks], exports: [HealthChecks] })
export class HealthChecksModule {}
