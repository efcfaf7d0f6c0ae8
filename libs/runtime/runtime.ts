import type { AppConfig } from '../core/config/config';
import type { Clock } from '../core/clock/clock';
import type { AppLogger } from '../core/logging/logger';

/** What a process knows once its services are found: passed to the root modules of each app. */
export interface Runtime {
  config: AppConfig;
  databaseUrl: string;
  /** null: Redis could not be found; queues are not registered and the API serves without them. */
  redisUrl: string | null;
  queuePrefix: string;
  clock: Clock;
  logger: AppLogger;
}

export const RUNTIME = Symbol('RUNTIME');
