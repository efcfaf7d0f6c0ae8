import { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { milestonesOf, newFootprint, newOrganisation } from './support/factories';
import { startSmtpReceiver } from './support/receivers';
import { ok, startServer, startWorker, TestServer } from './support/server';

const CUTOFF = Date.parse('2024-09-29T04:00:00Z');
const DAY = 86_400_000;
/** T-7 at 15:00 UTC: a countdown stage is due, within business hours in Chicago and New York. */
const NOW = new Date(CUTOFF - 7 * DAY + 11 * 3_600_000).toISOString();
const SUBMIT = `mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } footprint { id version } milestones { id version state } } }`;

async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('one change path', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    server = await startServer({ now: NOW, env: { SMTP_URL: smtp.url, RELAY_IDLE_MS: '50', DELIVERY_BACKOFF_MS: '50' } });
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGTERM');
    await server?.stop();
    await smtp?.close();
  });

  it('stores the risk score again when staff change an organisation criticality, not an hour later', async () => {
    const org = await newOrganisation(server, { criticalityTier: 4 });
    await newFootprint(server, org.id, { endpointCount: 40 });
    const stored = async () => (await server.sql(`SELECT risk_score, risk_reasons FROM organisation_status WHERE organisation_id = $1`, [org.id]))[0];
    const before = await stored();
    expect(before.risk_reasons.map((r: { code: string }) => r.code)).not.toContain('SECTOR_CRITICALITY');

    ok(
      await server.gql(`mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version } }`, {
        input: { id: org.id, version: 1, criticalityTier: 1 },
      }),
    );
    const after = await stored();
    expect(after.risk_score).toBe(before.risk_score + 10);
    expect(after.risk_reasons).toContainEqual({ code: 'SECTOR_CRITICALITY', points: 10, message: 'Criticality tier 1' });
    // the at-risk list ranks by the stored score: it sees the change at once
    const list = ok(await server.gql(`{ atRisk(first: 200) { edges { node { organisation { id } riskScore } } } }`)).atRisk.edges.map((e: any) => e.node);
    expect(list.find((i: { organisation: { id: string } }) => i.organisation.id === org.id)?.riskScore).toBe(after.risk_score);
  });

  it('costs at most 6 SQL statements for a self-report (credential, begin, lock, read, one write, commit), whatever the organisation size', async () => {
    const small = await newOrganisation(server);
    const large = await newOrganisation(server);
    const fs = await newFootprint(server, small.id, { endpointCount: 10 });
    const fl = [];
    for (let i = 0; i < 12; i += 1) fl.push(await newFootprint(server, large.id, { endpointCount: 100 + i, environment: i % 3 === 0 ? 'OT' : 'IT' }));
    const ms = await milestonesOf(server, small.id);
    const ml = await milestonesOf(server, large.id);
    // warm the reference caches once
    ok(await server.gql(SUBMIT, { input: { organisationId: small.id, footprint: [{ id: fs.id, version: fs.version, endpointsRemaining: 9 }] } }));

    const one = await server.gql(SUBMIT, {
      input: {
        organisationId: small.id,
        footprint: [{ id: fs.id, version: fs.version + 1, endpointsRemaining: 5 }],
        milestones: [{ id: ms[0].id, version: ms[0].version, state: 'DONE' }],
      },
    });
    ok(one);
    const many = await server.gql(SUBMIT, {
      input: {
        organisationId: large.id,
        footprint: fl.map((f) => ({ id: f.id, version: f.version, endpointsRemaining: 3 })),
        milestones: ml.map((m) => ({ id: m.id, version: m.version, state: 'IN_PROGRESS' })),
      },
    });
    ok(many);
    expect(one.statements).toBeLessThanOrEqual(6);
    expect(many.statements).toBe(one.statements);
    // and what it did: every row, the report time, one audit event per row, the stored status
    expect(
      (await server.sql(`SELECT count(*)::int AS n FROM footprint WHERE organisation_id = $1 AND endpoints_remaining = 3 AND version = 2`, [large.id]))[0].n,
    ).toBe(12);
    expect((await server.sql(`SELECT count(*)::int AS n FROM audit_event WHERE organisation_id = $1 AND action = 'self-report'`, [large.id]))[0].n).toBe(
      12 + ml.length,
    );
    const [status] = await server.sql(`SELECT as_of, endpoints_remaining, milestones_in_progress FROM organisation_status WHERE organisation_id = $1`, [
      large.id,
    ]);
    expect(status).toMatchObject({ endpoints_remaining: '36', milestones_in_progress: ml.length });
    expect(new Date(status.as_of).toISOString()).toBe(NOW);
  });

  it('stops a reminder already handed to the queue when the organisation completes: the sender finds it cancelled and sends nothing', async () => {
    const org = await newOrganisation(server, { name: 'Queued And Done Utility' });
    const f = await newFootprint(server, org.id, { endpointCount: 20 });
    // the primary contact takes reminders at any hour, the executive on weekdays only (NOW is a Sunday):
    // the stage's message to the one is due at once, to the other it waits for Monday
    const primary = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id role } } }', { id: org.id })).organisation.contacts.find(
      (c: { role: string }) => c.role === 'PRIMARY',
    );
    ok(
      await server.gql('mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { contactId } }', {
        input: { contactId: primary.id, weekdaysOnly: false, businessHoursStart: 0, businessHoursEnd: 24 },
      }),
    );
    const queue = new Queue('reminder-delivery', { connection: { url: server.env.REDIS_URL } as never, prefix: server.queuePrefix });
    try {
      // the sender is held; the relay still hands due rows to the queue
      await queue.pause();
      workers.push(startWorker(server));
      ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
      const rows = () => server.sql(`SELECT id, state, cancel_reason, due_at <= $2 AS due FROM reminder_delivery WHERE organisation_id = $1`, [org.id, NOW]);
      // what is due now (the primary contact's) is handed to the queue; the executive's waits for
      // Monday's business hours and stays PENDING
      await until('the relay to queue the organisation reminders that are due', async () => {
        const r = await rows();
        return r.some((x) => x.due) && r.filter((x) => x.due).every((x) => x.state === 'ENQUEUED');
      });
      const queued = (await rows()).filter((x) => x.state === 'ENQUEUED').length;
      expect((await rows()).some((x) => x.state === 'PENDING')).toBe(true);

      // removal done, reported and verified: the organisation is complete
      const milestones = await milestonesOf(server, org.id);
      const report = ok(
        await server.gql(SUBMIT, {
          input: {
            organisationId: org.id,
            footprint: [{ id: f.id, version: f.version, endpointsRemaining: 0 }],
            milestones: milestones.map((m) => ({ id: m.id, version: m.version, state: 'DONE' })),
          },
        }),
      ).submitSelfReport;
      const removal = report.milestones.find((m: { id: string }) => m.id === milestones.find((x) => x.key === 'REMOVAL_VERIFIED')!.id);
      ok(
        await server.gql(`mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { id } }`, {
          input: { id: removal.id, version: removal.version },
        }),
      );
      expect((await server.sql(`SELECT status FROM organisation_status WHERE organisation_id = $1`, [org.id]))[0].status).toBe('COMPLETE');
      // queued and waiting alike were stopped by the report (planned from facts that no longer hold)
      expect((await rows()).map((r) => r.state)).toEqual((await rows()).map(() => 'CANCELLED'));
      // and the planner plans nothing more for a complete organisation
      ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
      expect((await rows()).every((r) => r.state === 'CANCELLED')).toBe(true);

      // the sender runs the queued jobs: each finds its row cancelled
      await queue.resume();
      await until(
        'the queued jobs to run',
        async () =>
          (await queue.getJobCounts('wait', 'active', 'delayed')).wait + (await queue.getJobCounts('active')).active === 0 &&
          (await queue.getJobCounts('completed')).completed >= queued,
      );
      expect(smtp.inbox.messages.filter((m) => /Queued And Done Utility/.test(m.subject + m.body))).toEqual([]);
      expect((await rows()).every((r) => r.state === 'CANCELLED')).toBe(true);
      console.log(`CHANGE PATH queued reminder stopped by completion | queued=${queued} cancelled=${queued} sent=0`);
    } finally {
      await queue.close();
    }
  });
});
