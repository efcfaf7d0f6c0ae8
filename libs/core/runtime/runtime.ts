import type { AppConfig } from '../config/config';
import type { Clock } from '../clock/clock';
import type { AppLogger } from '../logging/logger';

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
