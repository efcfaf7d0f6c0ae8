import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { newOrganisation, newToken } from './support/factories';
import { errorCode, ok, startServer, startWorker, TestServer } from './support/server';

/** T-7 at 15:00 UTC: a new organisation's overdue milestones make reminders due at once. */
const NOW = '2024-09-22T15:00:00.000Z';

describe('security: the low ones › expensive queries, bounded per credential', () => {
  let server: TestServer;
  beforeAll(async () => {
    // 400,000 a minute: at most 100,000 (one costliest operation) at once
    server = await startServer({ now: NOW, env: { QUERY_COST_PER_MINUTE: '400000' } });
  });
  afterAll(async () => server?.stop());

  it('refuses a credential that spends its query budget with TOO_MANY_REQUESTS and when to retry, and no other credential pays for it', async () => {
    // 500 × (history(first: 100) + id…) ≈ 52,000 each: the second one in a row is over the 100,000 at once
    const heavy = '{ organisations(first: 500) { edges { node { id history(first: 100) { id } } } } }';
    ok(await server.gql(heavy));
    const refused = await server.gql(heavy);
    expect(errorCode(refused)).toBe('TOO_MANY_REQUESTS');
    expect(refused.errors![0].extensions).toMatchObject({ retryAfterSeconds: expect.any(Number), cost: expect.any(Number) });
    expect(refused.errors![0].message).toMatch(/query budget/);
    expect(refused.statements).toBeLessThanOrEqual(1); // refused before any statement but the credential's
    // a cheap query by the same credential goes on; another credential's heavy one is its own budget
    ok(await server.gql('{ sectors { code } }'));
    const other = await newToken(server, { role: 'admin' });
    ok(await server.gql(heavy, {}, other.token));
  });

  it('previews reminders a page of organisations at a time, in id order, paged on with after', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await newOrganisation(server, { name: `Preview Page Utility ${i}` })).id);
    ids.sort();
    const preview = 'query($first: Int, $after: ID) { previewReminders(at: "2024-09-22T15:00:00Z", first: $first, after: $after) { organisationId stage } }';
    const orgsIn = (rows: Array<{ organisationId: string | null }>) => [...new Set(rows.map((r) => r.organisationId).filter(Boolean))].sort();
    const page1 = ok(await server.gql(preview, { first: 2 })).previewReminders;
    expect(orgsIn(page1)).toEqual(ids.slice(0, 2));
    const page2 = ok(await server.gql(preview, { first: 2, after: ids[1] })).previewReminders;
    expect(orgsIn(page2)).toEqual([ids[2]]);
    expect(ok(await server.gql(preview, { first: 2, after: ids[2] })).previewReminders).toEqual([]);
    expect(errorCode(await server.gql(preview, { first: 501 }))).toBe('BAD_USER_INPUT');
  });
});

describe('security: the low ones › every REST error is answered', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ now: NOW });
  });
  afterAll(async () => server?.stop());

  const get = (path: string, token?: string) =>
    fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });

  it('answers a missing dashboard asset 404 and a failing export 500, each with a typed body, at once', async () => {
    const missing = await get('/dashboard/nothing-here.js');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    // what the sector summary reads (the dashboard cells' view, migration 0028) is gone for a moment: an error no rule expects
    await server.sql('ALTER VIEW dashboard_sector_figures RENAME TO dashboard_sector_figures_away');
    try {
      const failed = await get('/export/sectors.csv', server.adminToken);
      expect(failed.status).toBe(500);
      const body = await failed.json();
      expect(body).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: expect.any(String) });
      expect(body.message).not.toMatch(/dashboard_sector_figures|relation|SELECT/i); // no SQL to the client
    } finally {
      await server.sql('ALTER VIEW dashboard_sector_figures_away RENAME TO dashboard_sector_figures');
    }
    expect((await get('/export/sectors.csv', server.adminToken)).status).toBe(200);
  });
});

describe('security: the low ones › a delivery another run holds is not taken again within its lock', () => {
  let server: TestServer;
  let other: ReturnType<typeof startWorker>;
  const arrivals: string[] = [];
  let firstArrival: () => void;
  const arrived = new Promise<void>((resolve) => (firstArrival = resolve));
  // a receiver that takes 3 s to answer: the first run is still sending when the second one comes
  const receiver = createServer((req, res) => {
    arrivals.push(String(req.headers['webhook-id']));
    firstArrival();
    req.resume();
    setTimeout(() => res.writeHead(204).end(), 3000);
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    server = await startServer({
      now: NOW,
      withWorker: true,
      env: { DELIVERY_LOCK_MS: '5000', DELIVERY_ATTEMPTS: '3', DELIVERY_CONCURRENCY: '4', RELAY_IDLE_MS: '50' },
    });
    // a second worker: whichever is free takes the second run
    other = startWorker(server);
  });
  afterAll(async () => {
    other?.kill('SIGKILL');
    await server?.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('makes a second run of the same hand-over wait while the first sends, then skip: one message, one try, no attempt spent', async () => {
    const org = await newOrganisation(server, {
      name: 'Slow Receiver Water',
      contacts: [{ role: 'PRIMARY', name: 'Sol', email: 'sol@slow.example', timeZone: 'America/Chicago' }],
    });
    const [contact] = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id } } }', { id: org.id })).organisation.contacts;
    const port = (receiver.address() as AddressInfo).port;
    ok(
      await server.gql(
        'mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { webhookUrl } }',
        // at any hour: the stage's message is due at once (NOW is a Sunday)
        {
          input: {
            contactId: contact.id,
            emailEnabled: false,
            webhookUrl: `http://127.0.0.1:${port}/slow`,
            weekdaysOnly: false,
            businessHoursStart: 0,
            businessHoursEnd: 24,
          },
        },
      ),
    );
    // both workers listening before anything is due, so the second run is not left to the busy one
    const queue = new Queue('reminder-delivery', { connection: { url: server.env.REDIS_URL } as never, prefix: server.queuePrefix });
    const deadline = Date.now() + 30_000;
    while ((await queue.getWorkers()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await queue.getWorkers()).length).toBeGreaterThanOrEqual(2);
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    await arrived;
    // the first run holds the row (SENDING); a second job for the same hand-over comes now, as BullMQ makes one
    // when it takes a running job for stalled
    const [row] = await server.sql(
      `SELECT id, state, (extract(epoch FROM enqueued_at) * 1000000)::bigint::text AS generation FROM reminder_delivery WHERE id = $1`,
      [arrivals[0]],
    );
    expect(row.state).toBe('SENDING');
    try {
      const second = await queue.add(
        'deliver-reminder',
        { deliveryId: String(row.id), generation: row.generation },
        { jobId: `second-run-${row.id}`, attempts: 3 },
      );
      let state = '';
      const seen = new Set<string>();
      const until = Date.now() + 30_000;
      while (state !== 'completed' && state !== 'failed' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
        state = await second.getState();
        seen.add(state);
      }
      const job = (await queue.getJob(second.id!))!;
      const [after] = await server.sql(`SELECT state, attempts FROM reminder_delivery WHERE id = $1`, [row.id]);
      // it waited (delayed) while the first run sent, then found the row SENT; only its ending counts as an attempt
      expect({ state, waited: seen.has('delayed'), returned: job.returnvalue, made: job.attemptsMade }).toEqual({
        state: 'completed',
        waited: true,
        returned: 'SKIPPED',
        made: 1,
      });
      expect(after).toEqual({ state: 'SENT', attempts: 1 });
      expect(arrivals.filter((id) => id === String(row.id))).toHaveLength(1);
    } finally {
      await queue.close();
    }
  });
});
