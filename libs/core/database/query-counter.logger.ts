import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';
import { requestContext } from '../context/request-context';
import type { AppLogger } from '../logging/logger';

/** Counts every statement against the current request and logs slow queries and errors. */
export class QueryCountingLogger extends AbstractLogger {
  constructor(private readonly logger?: AppLogger) {
    super();
  }

  logQuery(_query: string, _parameters?: unknown[], _queryRunner?: QueryRunner) {
    const store = requestContext.getStore();
    if (store) store.statements += 1;
  }

  logQuerySlow(time: number, query: string) {
    this.logger?.warn({ component: 'sql', ms: time, query: query.slice(0, 500) }, 'slow query');
  }

  logQueryError(error: string | Error, query: string) {
    this.logger?.debug({ component: 'sql', err: String(error), query: query.slice(0, 500) }, 'query failed');
  }

  protected writeLog(level: LogLevel, message: LogMessage | LogMessage[]) {
    if (level === 'warn' || level === 'error') this.logger?.[level]({ component: 'typeorm' }, JSON.stringify(message).slice(0, 500));
  }
}
