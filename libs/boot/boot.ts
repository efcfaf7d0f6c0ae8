import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '@libs/core/config/config';
import { clockFromConfig } from '@libs/core/clock/clock';
import { migrate } from '@libs/core/database/data-source';
import { ApplicationRoleReport, grantApplicationRole } from '@libs/core/database/application-role';
import { createLogger, logFormatFor } from '@libs/core/logging/logger';
import { Infrastructure, prepareInfrastructure } from '@libs/core/runtime/infrastructure';
import { seedReferenceData } from '@libs/reference/seed-reference-data';
import type { Runtime } from '@libs/core/runtime/runtime';

/**
 * Everything a process does before Nest starts: validate the environment, find or start PostgreSQL
 * and Redis, apply pending migrations and load reference data (both idempotent, under a lock).
 */
export async function prepareRuntime(
  name: string,
  options: { redis: boolean; logLevel?: string } = { redis: true },
): Promise<{ runtime: Runtime; infrastructure: Infrastructure }> {
  // A .env file in the working directory fills in what the environment leaves unset.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : (options.logLevel ?? config.LOG_LEVEL), name, logFormatFor(config.NODE_ENV));
  for (const notice of config.retired) logger.warn(notice);
  const infrastructure = await prepareInfrastructure(config, logger, { redis: options.redis });
  // The owner migrates, loads reference data and grants the application's role what it may do; the
  // application itself connects as that role (item 6 of issue 18: it cannot rewrite the audit trail).
  let role: ApplicationRoleReport | undefined;
  const applied = await migrate(infrastructure.databaseOwnerUrl, logger, async (owner) => {
    await seedReferenceData(owner);
    role = await grantApplicationRole(owner, infrastructure.databaseUrl);
  });
  if (applied.length) logger.info({ migrations: applied }, `applied ${applied.length} migration(s)`);
  if (role?.created) logger.info(`created the application's database role ${role.role}`);
  // the CLI runs as an operator's tool and keeps its output to what it was asked for
  if (role?.risk && name !== 'cli') logger.warn(`audit trail not protected: ${role.risk}`);
  const clock = clockFromConfig(config.TRACKER_NOW);
  if (config.TRACKER_NOW) logger.warn(`running at the simulated instant ${config.TRACKER_NOW} (TRACKER_NOW)`);
  return {
    runtime: { config, databaseUrl: infrastructure.databaseUrl, redisUrl: infrastructure.redisUrl, queuePrefix: config.QUEUE_PREFIX, clock, logger },
    infrastructure,
  };
}

/** Runs a process's main; a bad environment or a failed start is one line on stderr and exit 1, never a stack. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`Start-up failed: ${message.split('\n')[0]}\n`);
      if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    }
    process.exit(1);
  });
}

/**
 * What a process does on SIGTERM or SIGINT: `steps` (close the app, the embedded services, the tracer),
 * then exit 0; if they have not finished after SHUTDOWN_TIMEOUT_MS (a connection that cannot close
 * because Redis or PostgreSQL is unreachable, say), one line on stderr and exit 1, so an orchestrator's
 * stop never waits for the kill and a stopped process never lingers.
 */
export function onShutdown(runtime: Runtime, steps: () => Promise<void>): void {
  const stop = async (signal: string) => {
    const deadline = setTimeout(() => {
      process.stderr.write(`shutdown on ${signal} did not finish in ${runtime.config.SHUTDOWN_TIMEOUT_MS} ms (SHUTDOWN_TIMEOUT_MS): exiting\n`);
      process.exit(1);
    }, runtime.config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    await steps();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
