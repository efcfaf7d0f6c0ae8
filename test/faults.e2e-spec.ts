import { ChildProcess } from 'node:child_process';
import { importOrganisations, outboxCounts, plan, report, waitFor } from './support/fault-helpers';
import { startOwnPostgres, startOwnRedis } from './support/own-services';
import { startSmtpReceiver } from './support/receivers';
import { newFootprint, newOrganisation } from './support/factories';
import { errorCode, ok, startServer, startWorker, TestServer } from './support/server';
import { Queue } from 'bullmq';

/**
 * Faults on purpose, with real processes. Tests that stop a server start their own PostgreSQL and
 * redis-server on free ports, never the machine's.
 */
const T_MINUS_7 = '2024-09-22T15:00:00Z'; // a Sunday in Chicago is Saturday night: deliveries would wait
const WEEKDAY_T_MINUS_8 = '2024-09-20T15:00:00Z'; // Friday 10:00 in Chicago: business hours
const FAST_DELIVERY = { DELIVERY_ATTEMPTS: '20', DELIVERY_BACKOFF_MS: '200', DELIVERY_CONCURRENCY: '16', DELIVERY_LOCK_MS: '2000', RELAY_IDLE_MS: '100' };
void T_MINUS_7;

describe('faults: a worker killed with SIGKILL in the middle of 5,000 reminders', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    server = await startServer({ now: WEEKDAY_T_MINUS_8, env: { SMTP_URL: smtp.url, ...FAST_DELIVERY } });
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await server?.stop();
    await smtp?.close();
  });

  it('delivers each message exactly once after a new worker takes over', async () => {
    // at T-8 a new organisation that never reported gets the stage's one message (its overdue milestones
    // listed inside), at level 2 (primary and executive contacts): 2 messages each, so 2,500 make 5,000
    await importOrganisations(server, 2500, 'KILL');
    const planned = await plan(server);
    expect(planned).toBeGreaterThanOrEqual(5000);
    workers.push(startWorker(server));
    await waitFor('1,000 messages', async () => smtp.inbox.messages.length >= 1000, 120_000);
    workers[0].kill('SIGKILL');
    const atKill = smtp.inbox.messages.length;
    workers.push(startWorker(server));
    const done = await waitFor(
      'every delivery SENT',
      async () => {
        const c = await outboxCounts(server);
        return (c.SENT ?? 0) === planned ? c : null;
      },
      180_000,
      250,
    );
    const sent = await server.sql(`SELECT id::text FROM reminder_delivery WHERE state = 'SENT'`);
    expect(smtp.inbox.messages.map((m) => m.deliveryId).sort()).toEqual(sent.map((r) => r.id).sort());
    expect(smtp.inbox.duplicates.length).toBeLessThanOrEqual(16);
    report('worker SIGKILL mid-send', 'every planned delivery SENT and received once by id; resends of in-flight ones carry the same id', {
      planned,
      receivedAtKill: atKill,
      sent: done.SENT,
      receivedDistinct: smtp.inbox.messages.length,
      resentSameId: smtp.inbox.duplicates.length,
      lost: planned - smtp.inbox.messages.length,
    });
  }, 300_000);
});

describe('faults: two workers and two planners at once', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    server = await startServer({ now: WEEKDAY_T_MINUS_8, env: { SMTP_URL: smtp.url, ...FAST_DELIVERY } });
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    await server?.stop();
    await smtp?.close();
  });

  it('still plans and sends each message exactly once', async () => {
    await importOrganisations(server, 200, 'TWO');
    workers.push(startWorker(server), startWorker(server));
    const [a, b] = await Promise.all([plan(server), plan(server)]);
    const planned = a + b;
    const total = (await server.sql(`SELECT count(*)::int AS n FROM reminder_delivery`))[0].n;
    expect(planned).toBe(total);
    await waitFor('every delivery SENT', async () => ((await outboxCounts(server)).SENT ?? 0) === total, 120_000, 250);
    expect(smtp.inbox.messages).toHaveLength(total);
    expect(smtp.inbox.duplicates).toHaveLength(0);
    report('two workers, two planners', 'the two planner runs together inserted each delivery once; every one received once', {
      plannerA: a,
      plannerB: b,
      outboxRows: total,
      received: smtp.inbox.messages.length,
      duplicates: smtp.inbox.duplicates.length,
    });
  }, 200_000);
});

describe('faults: Redis stopped for 30 s during planning and sending', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let redis: Awaited<ReturnType<typeof startOwnRedis>>;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    redis = await startOwnRedis();
    server = await startServer({ now: WEEKDAY_T_MINUS_8, withWorker: true, redisUrl: redis.url, env: { SMTP_URL: smtp.url, ...FAST_DELIVERY } });
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.stop();
    await smtp?.close();
  });

  it('keeps serving reads and writes, loses nothing planned, and resumes delivery without a restart', async () => {
    await importOrganisations(server, 100, 'RED1');
    const first = await plan(server);
    await redis.stop();
    const outageStarted = Date.now();
    let reads = 0;
    let writes = 0;
    const org = await newOrganisation(server, { name: 'Written While Redis Is Down' });
    writes += 1;
    await importOrganisations(server, 50, 'RED2');
    const second = await plan(server); // planning while Redis is away: the outbox is in PostgreSQL
    while (Date.now() - outageStarted < 30_000) {
      const r = ok(await server.gql('{ organisations(first: 5) { totalCount } }'));
      expect(r.organisations.totalCount).toBeGreaterThan(0);
      reads += 1;
      ok(
        await server.gql('mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version } }', {
          input: { id: org.id, version: writes, name: `Written While Redis Is Down ${writes}` },
        }),
      );
      writes += 1;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const duringOutage = await outboxCounts(server);
    await redis.start();
    const total = first + second;
    await waitFor('every delivery SENT after Redis returns', async () => ((await outboxCounts(server)).SENT ?? 0) === total, 120_000, 250).catch(async (e) => {
      throw new Error(
        `${e.message}: total=${total} first=${first} second=${second} ${JSON.stringify(await outboxCounts(server))} ${JSON.stringify(await server.sql(`SELECT state, cancel_reason, stage, count(*)::int FROM reminder_delivery GROUP BY 1,2,3`))}`,
      );
    });
    expect(smtp.inbox.messages).toHaveLength(total);
    expect(smtp.inbox.duplicates).toHaveLength(0);
    expect((await server.sql(`SELECT version FROM organisation WHERE id = $1`, [org.id]))[0].version).toBe(writes);
    report('Redis down 30 s', 'reads and writes answered during the outage; planning went on; delivery resumed by itself; nothing lost or doubled', {
      plannedBefore: first,
      plannedDuring: second,
      readsDuring: reads,
      writesDuring: writes,
      sentBeforeRestart: duringOutage.SENT ?? 0,
      sentAfter: total,
      received: smtp.inbox.messages.length,
    });
  }, 200_000);
});

describe('faults: PostgreSQL restarted under load', () => {
  let server: TestServer;
  let pg: Awaited<ReturnType<typeof startOwnPostgres>>;
  beforeAll(async () => {
    pg = await startOwnPostgres();
    server = await startServer({ now: WEEKDAY_T_MINUS_8, databaseUrl: pg.url('tracker') });
  });
  afterAll(async () => {
    await server?.stop();
    await pg?.stop();
  });

  it('answers typed errors in the outage, serves again within seconds, and keeps every acknowledged write', async () => {
    const orgs = await Promise.all([...Array(8)].map((_, i) => newOrganisation(server, { name: `Load ${i}` })));
    const rows = await Promise.all(orgs.map((o) => newFootprint(server, o.id, { endpointCount: 100000 })));
    const acknowledged: Array<{ id: string; remaining: number }> = [];
    const codes = new Map<string, number>();
    const unexpected: string[] = [];
    let running = true;
    let value = 100000;
    const writer = async (row: { id: string; version: number }) => {
      let version = row.version;
      while (running) {
        value -= 1;
        const remaining = value;
        const r = await server
          .gql('mutation($input: UpdateFootprintInput!) { updateFootprint(input: $input) { version } }', {
            input: { id: row.id, version, endpointsRemaining: remaining },
          })
          .catch(() => null);
        if (r && !r.errors) {
          version = r.data.updateFootprint.version;
          acknowledged.push({ id: row.id, remaining });
        } else {
          const code = r ? String(errorCode(r)) : 'NO_ANSWER';
          // an outage is SERVICE_UNAVAILABLE; CONFLICT is a writer racing its own retry; anything else is a wrong answer
          if (!['SERVICE_UNAVAILABLE', 'CONFLICT', 'NO_ANSWER'].includes(code)) unexpected.push(`${code}: ${r!.errors![0].message}`);
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (code === 'CONFLICT') version = (await server.sql(`SELECT version FROM footprint WHERE id = $1`, [row.id]).catch(() => [{ version }]))[0].version;
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    };
    const writers = rows.map(writer);
    await new Promise((r) => setTimeout(r, 2000));
    const beforeRestart = acknowledged.length;
    await pg.stop();
    await new Promise((r) => setTimeout(r, 3000));
    const live = await fetch(`${server.url}/health/live`);
    const ready = await fetch(`${server.url}/health/ready`);
    const downAnswer = await server.gql('{ organisations { totalCount } }');
    await pg.start();
    const restartedAt = Date.now();
    await waitFor('a successful read after the restart', async () => !(await server.gql('{ organisations { totalCount } }')).errors, 30_000, 100);
    const recoverySeconds = (Date.now() - restartedAt) / 1000;
    await new Promise((r) => setTimeout(r, 1500));
    running = false;
    await Promise.all(writers);
    expect(live.status).toBe(200);
    expect(ready.status).toBe(503);
    expect(errorCode(downAnswer)).toBe('SERVICE_UNAVAILABLE');
    expect(unexpected).toEqual([]);
    expect(recoverySeconds).toBeLessThan(15);
    const audited = await server.sql(
      `SELECT entity_id, (after->>'endpointsRemaining')::int AS remaining FROM audit_event WHERE entity_type = 'footprint' AND action = 'update'`,
    );
    const seen = new Set(audited.map((a) => `${a.entity_id}:${a.remaining}`));
    const missing = acknowledged.filter((a) => !seen.has(`${a.id}:${a.remaining}`));
    expect(missing).toEqual([]);
    report(
      'PostgreSQL restart under load',
      'liveness stayed up, readiness 503 and SERVICE_UNAVAILABLE during the outage, no process restart, every acknowledged write audited after',
      {
        acknowledgedBefore: beforeRestart,
        acknowledged: acknowledged.length,
        missing: missing.length,
        recoverySeconds: recoverySeconds.toFixed(1),
        ...Object.fromEntries(codes),
      },
    );
  }, 120_000);
});

describe('faults: 50 concurrent writers on one organisation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ now: WEEKDAY_T_MINUS_8 });
  });
  afterAll(() => server?.stop());

  it('loses no update: one winner per version, the losers get CONFLICT, every acknowledged write audited', async () => {
    const org = await newOrganisation(server, { name: 'Contended' });
    const update = 'mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version name } }';
    const race = await Promise.all([...Array(50)].map((_, i) => server.gql(update, { input: { id: org.id, version: 1, name: `Writer ${i}` } })));
    const winners = race.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    expect(race.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(49);
    // then all 50 write with re-read and retry: every one lands, in some order
    const acked: string[] = [];
    await Promise.all(
      [...Array(50)].map(async (_, i) => {
        for (;;) {
          const [{ version }] = await server.sql(`SELECT version FROM organisation WHERE id = $1`, [org.id]);
          const r = await server.gql(update, { input: { id: org.id, version, name: `Retry ${i}` } });
          if (!r.errors) return acked.push(`Retry ${i}`);
          expect(errorCode(r)).toBe('CONFLICT');
        }
      }),
    );
    const [{ version }] = await server.sql(`SELECT version FROM organisation WHERE id = $1`, [org.id]);
    const names = (await server.sql(`SELECT after->>'name' AS name FROM audit_event WHERE entity_id = $1 AND action = 'update'`, [org.id])).map((r) => r.name);
    expect(version).toBe(2 + 50);
    expect(names.filter((n) => n.startsWith('Retry')).sort()).toEqual([...acked].sort());
    report('50 concurrent writers', 'one winner of 50 on the same version; with retries all 50 land, each audited once', {
      firstRoundWinners: winners.length,
      conflicts: 49,
      acknowledged: acked.length + 1,
      audited: names.length,
      finalVersion: version,
    });
  }, 60_000);
});

describe('faults: PostgreSQL away longer than the retry schedule', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let pg: Awaited<ReturnType<typeof startOwnPostgres>>;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    pg = await startOwnPostgres();
    // two tries 50 ms apart: an outage of seconds outlives every job's retries
    server = await startServer({
      now: WEEKDAY_T_MINUS_8,
      databaseUrl: pg.url('tracker'),
      withWorker: true,
      env: {
        SMTP_URL: smtp.url,
        DELIVERY_ATTEMPTS: '2',
        DELIVERY_BACKOFF_MS: '50',
        DELIVERY_LOCK_MS: '1000',
        DELIVERY_STUCK_MS: '3000',
        RELAY_SWEEP_MS: '500',
        RELAY_IDLE_MS: '100',
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await pg?.stop();
    await smtp?.close();
  });

  it('sends every delivery whose jobs failed for good during the outage, once, under a new job', async () => {
    const queue = new Queue('reminder-delivery', { connection: { url: server.env.REDIS_URL } as never, prefix: server.queuePrefix });
    try {
      await importOrganisations(server, 20, 'STUCK');
      await queue.pause();
      const planned = await plan(server);
      // every due row handed to the (held) queue
      await waitFor('the relay to queue what is due', async () => {
        const c = await outboxCounts(server);
        return (c.ENQUEUED ?? 0) > 0 && (c.PENDING ?? 0) === 0 && c;
      });
      const queued = (await outboxCounts(server)).ENQUEUED;
      // PostgreSQL goes away; the jobs run, fail twice each, and end failed in Redis
      await pg.stop();
      await queue.resume();
      await waitFor('every job to fail for good', async () => (await queue.getJobCounts('failed')).failed >= queued, 60_000);
      const failedJobs = (await queue.getJobCounts('failed')).failed;
      await pg.start();
      // the rows are still ENQUEUED: the sweep queues them again under new job ids, and they are sent
      await waitFor(
        'every delivery to be sent',
        async () => {
          const c = await outboxCounts(server);
          return (c.SENT ?? 0) === queued && !c.ENQUEUED && !c.SENDING && c;
        },
        90_000,
      );
      const sent = await server.sql(`SELECT id FROM reminder_delivery WHERE state = 'SENT'`);
      const received = smtp.inbox.messages.map((m) => m.deliveryId);
      expect(received.sort()).toEqual(sent.map((r) => String(r.id)).sort());
      expect(smtp.inbox.duplicates).toEqual([]);
      report(
        'PostgreSQL away longer than the retries',
        'every delivery whose jobs failed for good in the outage was sent once after it, by the sweep under a new job id',
        { planned, queued, failedJobs, sent: sent.length, received: received.length, duplicates: smtp.inbox.duplicates.length },
      );
    } finally {
      await queue.close();
    }
  });
});

describe('faults: a worker told to stop while its Redis is away', () => {
  let server: TestServer;
  let redis: Awaited<ReturnType<typeof startOwnRedis>>;
  afterAll(async () => {
    await server?.stop();
    await redis?.stop().catch(() => undefined);
  });

  it('exits by SHUTDOWN_TIMEOUT_MS instead of waiting for Redis forever', async () => {
    redis = await startOwnRedis();
    server = await startServer({ now: WEEKDAY_T_MINUS_8, redisUrl: redis.url });
    const worker = startWorker(server, { SHUTDOWN_TIMEOUT_MS: '3000' });
    try {
      await waitFor('the worker to run', async () => /worker running/.test(worker.output()), 45_000);
      await redis.stop();
      await new Promise((r) => setTimeout(r, 1500)); // its connections are retrying now
      const stopping = Date.now();
      const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
      worker.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 15_000))]);
      const seconds = (Date.now() - stopping) / 1000;
      report('a worker told to stop while its Redis is away', 'it exits within SHUTDOWN_TIMEOUT_MS (3 s here)', {
        seconds: seconds.toFixed(1),
        exitCode: String(code),
      });
      expect(code).not.toBe('still running');
      expect(seconds).toBeLessThan(10);
    } finally {
      if (worker.exitCode === null) worker.kill('SIGKILL');
    }
  });
});
