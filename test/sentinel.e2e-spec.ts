import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { importOrganisations, outboxCounts, plan, report, waitFor } from './support/fault-helpers';
import { startSentinelGroup } from './support/redis-sentinel';
import { startWebhookReceiver } from './support/receivers';
import { dropDatabase, errorCode, startServer, startWorker, TestServer } from './support/server';
import { testServerUrls } from './support/services';

/**
 * A real Sentinel failover (issue 20): a Redis master, a replica and three sentinels of the test's own,
 * two API processes and two workers that know Redis only through REDIS_SENTINELS, and the master
 * killed with SIGKILL while thousands of webhooks are on their way to a real HTTP receiver.
 */
const WEEKDAY_T_MINUS_8 = '2024-09-20T15:00:00Z'; // Friday 10:00 in Chicago: business hours
// a job lock of seconds (a shorter one lapses on a loaded machine while the job still runs); the sweep
// queues again, under a new job, a row whose job the failover lost (Redis replicates asynchronously)
const DELIVERY = {
  DELIVERY_ATTEMPTS: '20',
  DELIVERY_BACKOFF_MS: '200',
  DELIVERY_CONCURRENCY: '16',
  DELIVERY_LOCK_MS: '5000',
  DELIVERY_STUCK_MS: '10000',
  RELAY_SWEEP_MS: '1000',
  RELAY_IDLE_MS: '100',
};
const ORGANISATIONS_PER_API = 600; // two contacts each: 2,400 webhooks

describe('sentinel: the Redis master killed under two APIs and two workers', () => {
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let group: Awaited<ReturnType<typeof startSentinelGroup>>;
  let apiA: TestServer;
  let apiB: TestServer;
  const workers: Array<ChildProcess & { output: () => string }> = [];
  let setupS = 0;
  const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const databaseName = `tracker_e2e_sentinel_${suffix}`;
  beforeAll(async () => {
    const setupFrom = Date.now();
    hooks = await startWebhookReceiver();
    group = await startSentinelGroup();
    await waitFor('the sentinels to find the replica and each other', () => group.formed(), 30_000, 250);
    // REDIS_URL names no server: with REDIS_SENTINELS it gives only the password and database, so a
    // connection that went around the sentinels would fail here at once
    const redis = { redisUrl: 'redis://sentinel-managed.invalid:6379/0' };
    const env = { ...DELIVERY, REDIS_SENTINELS: group.addresses, REDIS_SENTINEL_NAME: 'mymaster' };
    // the two APIs start together on one database and one queue prefix (migrations take turns under their lock)
    const database = new URL(testServerUrls().postgres);
    database.pathname = `/${databaseName}`;
    const shared = { now: WEEKDAY_T_MINUS_8, ...redis, databaseUrl: database.toString(), env: { ...env, QUEUE_PREFIX: `e2e-sentinel-${suffix}` } };
    [apiA, apiB] = await Promise.all([startServer(shared), startServer(shared)]);
    workers.push(startWorker(apiA), startWorker(apiA));
    setupS = (Date.now() - setupFrom) / 1000;
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    await Promise.all([apiA?.stop(), apiB?.stop()]);
    await dropDatabase(databaseName);
    await group?.destroy();
    await hooks?.close();
  });

  it('promotes the replica, every process carries on without a restart, and each webhook arrives once', async () => {
    const apis = [apiA, apiB];
    // clients alternate between the two APIs: half the organisations through each
    await importOrganisations(apiA, ORGANISATIONS_PER_API, 'SENA');
    await importOrganisations(apiB, ORGANISATIONS_PER_API, 'SENB');
    // every contact hears by webhook only, each at a path of its own holding the secret its webhook signs
    // with (set in SQL for speed; the mutation that does it one contact at a time is reminders.e2e-spec's)
    await apiA.sql(
      `INSERT INTO notification_preference (contact_id, email_enabled, webhook_url, updated_at)
       SELECT id, false, $1 || '/c/' || id, now() FROM contact
       ON CONFLICT (contact_id) DO UPDATE SET email_enabled = false, webhook_url = EXCLUDED.webhook_url`,
      [hooks.url],
    );
    await apiA.sql(
      `INSERT INTO webhook_secret (contact_id, secret, issued_at)
       SELECT contact_id, 'whsec_' || encode(sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())), 'base64'), now()
       FROM notification_preference ON CONFLICT (contact_id) DO NOTHING`,
    );
    for (const s of await apiA.sql(`SELECT contact_id::text AS id, secret FROM webhook_secret WHERE contact_id IS NOT NULL`))
      hooks.trust(`/c/${s.id}`, s.secret);
    const pids = workers.map((w) => w.pid);

    // traffic on both APIs all along: reads, and planner runs that must find nothing new to plan
    let running = true;
    const answers: Record<string, number> = {};
    let replanned = 0;
    const traffic = (async () => {
      for (let i = 0; running; i++) {
        const api = apis[i % 2];
        const r =
          i % 5 === 4
            ? await api.gql('mutation { runReminderPlanner { inserted } }').catch(() => null)
            : await api.gql('{ organisations(first: 5) { totalCount } }').catch(() => null);
        const outcome = !r ? 'NO_ANSWER' : r.errors ? String(errorCode(r)) : 'ok';
        answers[outcome] = (answers[outcome] ?? 0) + 1;
        if (r && !r.errors && r.data?.runReminderPlanner) replanned += r.data.runReminderPlanner.inserted;
        await new Promise((res) => setTimeout(res, 50));
      }
    })();

    const planned = await plan(apiB);
    expect(planned).toBe(4 * ORGANISATIONS_PER_API);
    await waitFor('the first 600 webhooks', async () => hooks.inbox.messages.length >= 600, 120_000, 20);

    const receivedAtKill = hooks.inbox.messages.length;
    const killedAt = Date.now();
    group.master.process.kill('SIGKILL');
    await waitFor('every sentinel to name the replica as master', async () => (await group.masterPorts()).every((p) => p === group.replica.port), 60_000, 100);
    const promotedS = (Date.now() - killedAt) / 1000;
    const receivedAtPromotion = hooks.inbox.messages.length;
    const readyS = await Promise.all(
      apis.map(async (api) => {
        await waitFor('the API ready on the new master', async () => (await fetch(`${api.url}/health/ready`)).status === 200, 60_000, 100);
        return (Date.now() - killedAt) / 1000;
      }),
    );
    // more than the two workers' 32 jobs in hand at the kill: new jobs taken from the new master
    await waitFor('deliveries from the new master', async () => hooks.inbox.messages.length >= receivedAtPromotion + 50, 60_000, 20);
    const deliveringS = (Date.now() - killedAt) / 1000;

    const done = await waitFor(
      'every delivery SENT',
      async () => {
        const c = await outboxCounts(apiA);
        return (c.SENT ?? 0) === planned && c;
      },
      120_000,
      250,
    ).catch(async (e) => {
      throw new Error(`${e.message}: ${JSON.stringify(await outboxCounts(apiA))}`);
    });
    const drainedS = (Date.now() - killedAt) / 1000;
    running = false;
    await traffic;

    const sent = await apiA.sql(`SELECT id::text FROM reminder_delivery WHERE state = 'SENT'`);
    expect(await group.role(group.replica.port)).toBe('master');
    expect(hooks.inbox.messages.map((m) => m.deliveryId).sort()).toEqual(sent.map((r) => r.id).sort());
    expect(hooks.inbox.duplicates).toHaveLength(0);
    expect(hooks.rejected).toHaveLength(0);
    expect(workers.map((w) => (w.exitCode === null && w.signalCode === null ? w.pid : null))).toEqual(pids);
    expect(replanned).toBe(0);
    // the APIs' reads and planner runs need PostgreSQL only: not one of them failed while Redis changed master
    expect(Object.keys(answers)).toEqual(['ok']);
    report(
      'Redis master SIGKILL under Sentinel',
      'the sentinels promoted the replica; two APIs and two workers followed it without a restart; every webhook received once by id',
      {
        planned,
        receivedAtKill,
        promotedS: promotedS.toFixed(1),
        apiReadyS: readyS.map((s) => s.toFixed(1)).join('/'),
        deliveringAgainS: deliveringS.toFixed(1),
        allSentS: drainedS.toFixed(1),
        setupS: setupS.toFixed(1),
        sent: done.SENT,
        received: hooks.inbox.messages.length,
        duplicates: hooks.inbox.duplicates.length,
        clientRequests: answers.ok,
      },
    );
  }, 240_000);
});
