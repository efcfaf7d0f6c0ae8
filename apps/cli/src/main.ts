import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { systemActor } from '@libs/domain/actor';
import { CredentialsService } from '@libs/access/credentials.service';
import { AppError } from '@libs/core/errors/app-error';
import { seedDemo } from '@libs/demo/seed-demo';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { prepareRuntime, runMain } from '@libs/boot/boot';
import { StatusService } from '@libs/status/status.service';
import { CliModule } from './cli.module';
import { runImport } from './import-command';
import { runProgrammes } from './programme-command';
import { runSchema } from './schema-command';
import { ImportService } from '@libs/imports/import.service';
import { ReminderPlanner } from '@libs/reminders/reminder-planner.service';

const HELP = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                          apply pending migrations and load reference data
  seed:demo                        load the deterministic demo set into an empty database
  tokens create --role ROLE --label NAME [--sector CODE]... [--organisation ID] [--expires ISO]
                                   mint a bearer token; the token alone is the last line of output
                                   ROLE: admin | liaison (needs --sector) | reporter (needs --organisation) | viewer
  tokens list                      list credentials (never their tokens)
  tokens revoke ID                 revoke a credential at once
  status refresh                   recompute every organisation's stored status now
  reminders plan                   run the reminder planner now (the worker runs it every 15 minutes);
                                   the outbox relay of a running worker sends what is due
  import <organisations|footprint> FILE [--programme KEY] [--dry-run] [--apply-good-rows]
                                   check and import a CSV file (docs/import.md) into a programme (the
                                   default one without --programme); with --apply-good-rows the bad rows
                                   are written to FILE.bad.csv to fix and import again
  programmes list                  the programmes, their keys, versions and cutoffs
  programmes create FILE           create a programme from a JSON file (docs/programmes.md)
  programmes update FILE           edit one: a JSON file with its id, the version read and the fields to change
  schema <print|write|check>       the GraphQL schema the code declares: print it, write it to schema.graphql
                                   (npm run schema:write), or check schema.graphql against it and the last commit

Environment: DATABASE_URL, DATABASE_OWNER_URL, TRACKER_NOW, LOG_LEVEL (see .env.example).`;

runMain(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      label: { type: 'string' },
      sector: { type: 'string', multiple: true },
      organisation: { type: 'string' },
      expires: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      'dry-run': { type: 'boolean' },
      'apply-good-rows': { type: 'boolean' },
      programme: { type: 'string' },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const known = ['migrate', 'seed:demo', 'tokens', 'status', 'import', 'reminders', 'programmes', 'schema'];
  if (!known.includes(command)) throw new Error(`unknown command "${command}"; see --help`);
  // the schema needs no database, Redis or configuration
  if (command === 'schema') return runSchema(sub);

  const { runtime, infrastructure } = await prepareRuntime('cli', { redis: false, logLevel: 'warn' });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(runtime), { logger: ['error', 'warn'] });
  const actor = systemActor('cli');
  try {
    if (command === 'migrate') {
      process.stdout.write('migrations applied and reference data loaded\n');
    } else if (command === 'seed:demo') {
      const result = await seedDemo(app.get(DataSource), runtime.clock);
      process.stdout.write(
        result.organisations
          ? `loaded ${result.organisations} demo organisations\n`
          : 'the database already has organisations; the demo set loads only into an empty one\n',
      );
    } else if (command === 'tokens' && sub === 'create') {
      if (!values.role || !values.label) throw new Error('tokens create needs --role and --label');
      const expiresAt = values.expires ? new Date(values.expires) : undefined;
      if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new Error('--expires must be an ISO-8601 instant');
      const { credential, token } = await app.get(CredentialsService).create(actor, {
        role: values.role as never,
        label: values.label,
        sectors: values.sector,
        organisationId: values.organisation,
        expiresAt,
      });
      process.stdout.write(`created ${credential.role} credential ${credential.id} (${credential.label}); the token is shown once:\n${token}\n`);
    } else if (command === 'tokens' && sub === 'list') {
      for (const c of await app.get(CredentialsService).list()) {
        process.stdout.write(
          `${c.id}  ${c.role.padEnd(8)} ${c.tokenPrefix}…  ${c.revokedAt ? 'revoked' : c.expiresAt ? `expires ${c.expiresAt.toISOString()}` : 'active'}  ${c.label}\n`,
        );
      }
    } else if (command === 'tokens' && sub === 'revoke') {
      if (!arg) throw new Error('tokens revoke needs the credential id');
      const c = await app.get(CredentialsService).revoke(actor, arg);
      process.stdout.write(`revoked ${c.id} (${c.label})\n`);
    } else if (command === 'import') {
      const programme = await app.get(ProgrammesService).resolve(values.programme);
      await runImport(app.get(ImportService), actor, sub, arg, {
        programmeId: programme.id,
        dryRun: !!values['dry-run'],
        applyGoodRows: !!values['apply-good-rows'],
      });
    } else if (command === 'programmes') {
      await runProgrammes(app.get(ProgrammesService), actor, sub, arg);
    } else if (command === 'status' && sub === 'refresh') {
      const status = app.get(StatusService);
      for (const programme of await app.get(ProgrammesService).list()) {
        process.stdout.write(`${programme.key}: ${await status.refreshAll(programme)} organisations\n`);
      }
    } else if (command === 'reminders' && sub === 'plan') {
      // The planner needs no queue: it writes the outbox, and the workers' relay takes it from there.
      const planner = new ReminderPlanner(app.get(DataSource), runtime.clock, app.get(StatusService));
      for (const programme of await app.get(ProgrammesService).list()) {
        const started = Date.now();
        const r = await planner.run(programme);
        process.stdout.write(
          `${programme.key}: ${r.organisations} organisations, ${r.planned} deliveries planned, ${r.inserted} new, ${r.cancelledComplete} cancelled (complete) in ${((Date.now() - started) / 1000).toFixed(2)} s\n`,
        );
      }
    } else {
      throw new Error(`unknown command "${positionals.join(' ')}"; see --help`);
    }
  } catch (error) {
    if (error instanceof AppError) throw new Error(error.message, { cause: error });
    throw error;
  } finally {
    await app.close();
    await infrastructure.stop();
  }
});
