import { LoggerService } from '@nestjs/common';
import pino, { Logger, LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import { currentRequestId } from '../context/request-context';

export type AppLogger = Logger;

/**
 * Every line written while a request is handled carries its id, whoever writes it (Nest's Logger,
 * TypeORM's, Mercurius's): the id is read from the request's AsyncLocalStorage when the line is
 * written. Fastify's per-request child logger binds the same key itself, so it is not added twice.
 */
function requestIdOf(_line: object, _level: number, logger: Logger): { requestId?: string } {
  const requestId = currentRequestId();
  return requestId && !('requestId' in logger.bindings()) ? { requestId } : {};
}

/**
 * Logs on stdout: JSON, one object per line, for collectors; readable lines (pino-pretty) when stdout
 * is a terminal, except in production, whose log is JSON wherever it goes.
 */
export function createLogger(level: string, name = 'tracker', format: 'json' | 'pretty' = 'json'): AppLogger {
  const options: LoggerOptions = { name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, mixin: requestIdOf };
  if (format === 'pretty') return pino(options, pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  return pino(options);
}

export function logFormatFor(nodeEnv: string, stdoutIsTerminal = Boolean(process.stdout.isTTY)): 'json' | 'pretty' {
  return stdoutIsTerminal && nodeEnv !== 'production' ? 'pretty' : 'json';
}

const QUIET_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'GraphQLModule', 'NestFactory']);

/** Nest's LoggerService over pino, so framework messages come out as the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: AppLogger) {}
  log(message: unknown, context?: string) {
    // Nest's start-up chatter (one line per module and route) is detail, not news.
    if (context && QUIET_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, message instanceof Error ? message.message : String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.logger.fatal({ context }, String(message));
  }
}

export const LOGGER = Symbol('LOGGER');
