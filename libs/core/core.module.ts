import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from './clock/clock';
import { ClockSync } from './clock/clock-sync';
import { dataSourceOptions } from './database/data-source';
import { LOGGER } from './logging/logger';
import { RUNTIME } from './runtime/runtime';
import type { Runtime } from './runtime/runtime';

/** Config, clock, logger and the database connection, for every app. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(runtime.databaseUrl, runtime.logger, {
            readUrls: runtime.config.DATABASE_READ_URLS?.split(',') ?? [],
            poolMax: runtime.config.DATABASE_POOL_MAX,
            statementTimeoutMs: runtime.config.DATABASE_STATEMENT_TIMEOUT_MS,
            lockTimeoutMs: runtime.config.DATABASE_LOCK_TIMEOUT_MS,
            idleInTransactionTimeoutMs: runtime.config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
          }),
          autoLoadEntities: true,
          retryAttempts: 3,
          retryDelay: 1000,
        }),
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: Clock, useValue: runtime.clock },
        { provide: LOGGER, useValue: runtime.logger },
        ClockSync,
      ],
      exports: [RUNTIME, Clock, LOGGER, ClockSync],
    };
  }
}
