import { ChildProcess } from 'node:child_process';
import { milestonesOf, newFootprint, newOrganisation, newToken } from './support/factories';
import { startSmtpReceiver, startWebhookReceiver } from './support/receivers';
import { ok, startServer, startWorker, TestServer } from './support/server';

const CUTOFF = Date.parse('2024-09-29T04:00:00Z');
const DAY = 86_400_000;
/** 15:00 UTC on day d from the cutoff: 10:00 in Chicago, 08:00 in Los Angeles. */
const day = (d: number) => new Date(CUTOFF + d * DAY + 11 * 3_600_000).toISOString();

function localHour(iso: string, timeZone: string): { hour: number; weekday: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: 'numeric', weekday: 'short' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return { hour: Number(parts.hour) % 24, weekday: parts.weekday };
}

describe('escalating reminders, walked day by day from T-100 to T+30', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const workers: ChildProcess[] = [];
  const orgs: Record<string, any> = {};
  const plannerRuns: Array<{ day: number; inserted: number; again: number; againLooked: number }> = [];
  let duplicatesAllowed = 0;

  const deliveries = (where = 'TRUE', params: unknown[] = []) =>
    server.sql(
      `SELECT d.*, o.name AS organisation FROM reminder_delivery d LEFT JOIN organisation o ON o.id = d.organisation_id WHERE ${where} ORDER BY d.id`,
      params,
    );

  async function settle(now: string) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [{ n }] = await server.sql(
        `SELECT count(*)::int AS n FROM reminder_delivery WHERE state IN ('ENQUEUED', 'SENDING') OR (state = 'PENDING' AND due_at <= $1)`,
        [now],
      );
      if (n === 0) return;
      if (Date.now() > deadline) throw new Error(`outbox did not drain at ${now}: ${n} rows`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hooks = await startWebhookReceiver();
    // a job lock of seconds, not 1.5 s: on a loaded machine a shorter one lapses while a job still runs, and BullMQ
    // hands the running job to the other worker too (a second try of the same delivery)
    // the walk runs each planner pass itself: a wall-clock schedule (the hourly status refresh, the quarter-hourly plan)
    // firing between its two passes of one day would make the second look at what the first did not (seen once in CI)
    const env = {
      WORKER_SCHEDULES: 'off',
      SMTP_URL: smtp.url,
      DELIVERY_ATTEMPTS: '3',
      DELIVERY_BACKOFF_MS: '50',
      DELIVERY_CONCURRENCY: '8',
      DELIVERY_LOCK_MS: '5000',
      RELAY_IDLE_MS: '50',
    };
    server = await startServer({ now: day(-100), env });
    // two workers at once, beside an API that runs none
    workers.push(startWorker(server), startWorker(server));

    const gql = (q: string, v: Record<string, unknown> = {}) => ok(server.gql(q, v) as never);
    const add = (input: Record<string, unknown>) =>
      server.gql('mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id } }', { input }).then(ok);
    await add({ kind: 'SECTOR_LIAISON', sector: 'WATER', name: 'Water liaison', email: 'liaison.water@cisa.example' });
    await add({ kind: 'SRMA', sector: 'WATER', name: 'EPA', email: 'water@epa.example' });
    await add({ kind: 'CISA_REGION', region: 6, name: 'CISA Region 6', email: 'region6@cisa.example', timeZone: 'America/Chicago' });
    await add({ kind: 'SECTOR_LIAISON', sector: 'ENERGY', name: 'Energy liaison', email: 'liaison.energy@cisa.example' });
    void gql;

    orgs.L = await newOrganisation(server, {
      name: 'Laggard Water Utility',
      primarySector: 'WATER',
      state: 'TX',
      criticalityTier: 3,
      contacts: [
        { role: 'PRIMARY', name: 'Pat', email: 'pat@laggard.example', timeZone: 'America/Chicago' },
        { role: 'EXECUTIVE', name: 'Eve', email: 'eve@laggard.example', timeZone: 'America/Chicago' },
        { role: 'SECURITY_LEAD', name: 'Sam', email: 'sam@laggard.example', timeZone: 'America/Los_Angeles' },
      ],
    });
    // each organisation reports its footprint itself (its reporter credential): a staff edit is not a report
    const reporterOf = async (id: string) => (await newToken(server, { role: 'reporter', organisationId: id })).token;
    await newFootprint(server, orgs.L.id, { endpointCount: 100 }, await reporterOf(orgs.L.id));
    orgs.V = await newOrganisation(server, {
      name: 'Verified Water District',
      primarySector: 'WATER',
      state: 'TX',
      contacts: [{ role: 'PRIMARY', name: 'Val', email: 'val@verified.example', timeZone: 'America/Chicago' }],
    });
    orgs.Vreporter = await reporterOf(orgs.V.id);
    orgs.Vf = await newFootprint(server, orgs.V.id, { endpointCount: 10 }, orgs.Vreporter);
    orgs.X = await newOrganisation(server, {
      name: 'Extended Power Coop',
      primarySector: 'ENERGY',
      state: 'OK',
      contacts: [{ role: 'PRIMARY', name: 'Xi', email: 'xi@coop.example', timeZone: 'America/Chicago' }],
    });
    await newFootprint(
      server,
      orgs.X.id,
      { productCode: 'KICS_NODES', environment: 'OT', endpointCount: 6, updateChannel: 'OFFLINE' },
      await reporterOf(orgs.X.id),
    );
    orgs.W = await newOrganisation(server, {
      name: 'Webhook Dams Authority',
      primarySector: 'DAMS',
      state: 'WA',
      criticalityTier: 1,
      contacts: [
        { role: 'PRIMARY', name: 'Wes', email: 'wes@dams.example', timeZone: 'America/Los_Angeles' },
        { role: 'EXECUTIVE', name: 'Wanda', email: 'wanda@dams.example', timeZone: 'America/Los_Angeles' },
      ],
    });
    const contacts = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id role } } }', { id: orgs.W.id })).organisation.contacts;
    const pref = 'mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { webhookUrl webhookSecret } }';
    // each receiver holds the secret its own webhook was given when its URL was saved
    for (const [role, path] of [
      ['PRIMARY', '/ok'],
      ['EXECUTIVE', '/fail'],
    ]) {
      const saved = ok(
        await server.gql(pref, { input: { contactId: contacts.find((c: any) => c.role === role).id, webhookUrl: `${hooks.url}${path}`, emailEnabled: false } }),
      );
      hooks.trust(path, saved.updateNotificationPreference.webhookSecret);
    }

    for (let d = -100; d <= 30; d++) {
      const now = day(d);
      ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: now }));
      if (d === -60) {
        // V reports everything done and a liaison verifies removal: V is complete
        const ms = await milestonesOf(server, orgs.V.id);
        ok(
          await server.gql(
            'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
            {
              input: {
                organisationId: orgs.V.id,
                footprint: [{ id: orgs.Vf.id, version: orgs.Vf.version, endpointsRemaining: 0 }],
                milestones: ms.map((m) => ({ id: m.id, version: m.version, state: 'DONE' })),
              },
            },
            orgs.Vreporter,
          ),
        );
        const last = (await milestonesOf(server, orgs.V.id)).find((m) => m.key === 'REMOVAL_VERIFIED')!;
        ok(
          await server.gql('mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { verified } }', {
            input: { id: last.id, version: last.version },
          }),
        );
        orgs.verifiedAt = now;
      }
      if (d === -20) {
        const removal = (await milestonesOf(server, orgs.X.id)).find((m) => m.track === 'OT' && m.key === 'KASPERSKY_REMOVED')!;
        const ext = ok(
          await server.gql('mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id version } }', {
            input: {
              milestoneId: removal.id,
              justification: 'Controllers change only in the October outage.',
              requestedTargetAt: new Date(CUTOFF + 20 * DAY).toISOString(),
            },
          }),
        ).requestExtension;
        ok(
          await server.gql('mutation($input: GrantExtensionInput!) { grantExtension(input: $input) { state } }', {
            input: { id: ext.id, version: ext.version },
          }),
        );
      }
      if (d === -8) {
        orgs.ack = ok(
          await server.gql('mutation($id: ID!) { acknowledgeReminders(organisationId: $id) { acknowledgedLevel pausedUntil currentLevel } }', {
            id: orgs.L.id,
          }),
        ).acknowledgeReminders;
      }
      const first = ok(await server.gql('mutation { runReminderPlanner { inserted } }')).runReminderPlanner.inserted;
      const again = ok(await server.gql('mutation { runReminderPlanner { inserted organisations } }')).runReminderPlanner;
      plannerRuns.push({ day: d, inserted: first, again: again.inserted, againLooked: again.organisations });
      if (d === 7) {
        // kill one worker with SIGKILL while it sends, start another
        await new Promise((r) => setTimeout(r, 30));
        duplicatesAllowed = 8;
        workers[0].kill('SIGKILL');
        workers.push(startWorker(server));
      }
      await settle(now);
    }
  }, 600_000);

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    await server?.stop();
    await smtp?.close();
    await hooks?.close();
  });

  it('plans each delivery once however often the planner runs', () => {
    expect(plannerRuns.reduce((n, r) => n + r.inserted, 0)).toBeGreaterThan(50);
    expect(plannerRuns.filter((r) => r.again !== 0)).toEqual([]);
  });

  it('looks again only at organisations that changed or whose instant came: a second pass at the same instant looks at none', () => {
    expect(plannerRuns.filter((r) => r.againLooked !== 0)).toEqual([]);
  });

  it('climbs the ladder: the right stage at the right level to the right people', async () => {
    const rows = await deliveries(`d.organisation_id = $1 AND (d.stage LIKE 'T-%' OR d.stage LIKE 'OVERDUE-%')`, [orgs.L.id]);
    const levelsByStage: Record<string, number[]> = {};
    for (const r of rows) levelsByStage[r.stage] = [...new Set([...(levelsByStage[r.stage] ?? []), r.level])].sort();
    // T-90 starts at level 1; within the stage the inventory goes overdue (day -70, level 2) and the report goes stale (day -69, level 3)
    expect(levelsByStage).toEqual({
      'T-90': [1, 2, 3],
      'T-60': [3],
      'T-30': [3],
      'T-14': [3],
      'T-7': [3],
      'T-3': [3],
      'T-1': [4],
      'T-0': [4],
      'OVERDUE-1': [4],
      'OVERDUE-2': [4],
      'OVERDUE-3': [4],
      'OVERDUE-4': [4],
    });
    const recipients = (stage: string) =>
      rows
        .filter((r) => r.stage === stage)
        .map((r) => r.recipient)
        .sort();
    expect(rows.filter((r) => r.stage === 'T-90' && r.level === 1).map((r) => r.recipient)).toEqual(['pat@laggard.example']);
    expect(recipients('T-30')).toEqual(['eve@laggard.example', 'pat@laggard.example', 'sam@laggard.example']);
    expect(rows.every((r) => r.state === 'SENT')).toBe(true);
    const inbox = smtp.inbox.messages.filter((m) => m.to === 'pat@laggard.example' && /Laggard Water Utility/.test(m.subject));
    expect(inbox.length).toBeGreaterThanOrEqual(12);
    const t1 = smtp.inbox.messages.find((m) => m.to === 'pat@laggard.example' && /1 day\(s\) to the Kaspersky cutoff/.test(m.subject))!;
    expect(t1.subject).toMatch(/^\[Escalated to your Sector Risk Management Agency and CISA\]/);
    expect(t1.body).toMatch(/Saturday, September 28, 2024 at 11:00:00\s?PM CDT/);
  });

  it('holds the level while acknowledged and climbs again when the pause lapses without progress', async () => {
    expect(orgs.ack).toMatchObject({ acknowledgedLevel: 3, currentLevel: 3 });
    const srma = await deliveries(`d.recipient = 'water@epa.example'`);
    const stages = srma.map((r) => r.stage);
    expect(stages).not.toContain('DIGEST:T-7');
    expect(stages).toContain('DIGEST:T-1');
  });

  it('sends a liaison one digest per stage listing its lagging organisations', async () => {
    const digests = smtp.inbox.messages.filter((m) => m.to === 'liaison.water@cisa.example');
    const stages = digests.map((m) => /\[Digest ([^\]]+)\]/.exec(m.subject)![1]);
    expect(new Set(stages).size).toBe(stages.length);
    expect(stages).toEqual(expect.arrayContaining(['T-60', 'T-30', 'T-1', 'OVERDUE-1']));
    const t60 = digests.find((m) => m.subject.includes('Digest T-60'))!;
    expect(t60.body).toContain('Laggard Water Utility');
    expect(smtp.inbox.messages.filter((m) => m.to === 'liaison.energy@cisa.example').every((m) => !m.body.includes('Laggard'))).toBe(true);
  });

  it('stops everything once removal is verified', async () => {
    const rows = await deliveries(`d.organisation_id = $1`, [orgs.V.id]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => new Date(r.created_at).getTime() >= Date.parse(orgs.verifiedAt))).toEqual([]);
    expect(rows.every((r) => r.state === 'SENT' || r.state === 'CANCELLED')).toBe(true);
  });

  it('reschedules a milestone reminder when an extension is granted', async () => {
    // the milestones each message lists: the OT removal only at its extended target
    const listed = (await deliveries(`d.organisation_id = $1`, [orgs.X.id])).flatMap((r) =>
      (r.payload.milestones ?? []).map((m: any) => `${m.dueKind}:${m.track}:${m.key}:${m.targetAt}`),
    );
    expect(listed).not.toContain('DUE_SOON:OT:KASPERSKY_REMOVED:2024-09-29T04:00:00.000Z');
    expect(listed).toContain('DUE_SOON:OT:KASPERSKY_REMOVED:2024-10-19T04:00:00.000Z');
    expect(listed).toContain('DUE_SOON:IT:KASPERSKY_REMOVED:2024-09-29T04:00:00.000Z');
  });

  it('sends each recipient one message per stage and level, its milestones due or overdue listed inside', async () => {
    const rows = await deliveries(`d.organisation_id = $1`, [orgs.L.id]);
    // from the first countdown stage on, no message of its own for a milestone
    const fromT90 = rows.filter((r) => new Date(r.created_at).getTime() >= Date.parse(day(-90)));
    expect(fromT90.filter((r) => !/^(T-\d+|OVERDUE-\d+)$/.test(r.stage))).toEqual([]);
    // at T-7 the IT lead hears once (it was 15 messages: the stage and one per lagging milestone)
    const t7 = rows.filter((r) => r.stage === 'T-7' && r.recipient === 'sam@laggard.example');
    expect(t7).toHaveLength(1);
    expect(t7[0].payload.milestones.length).toBeGreaterThan(3);
    const mail = smtp.inbox.messages.find((m) => m.deliveryId === String(t7[0].id))!;
    expect(mail.body).toContain('Milestones due or overdue:');
    for (const m of t7[0].payload.milestones) expect(mail.body).toContain(`${m.name} (${m.track}) ${m.dueKind === 'OVERDUE' ? 'is overdue' : 'is due'}`);
  });

  it("keeps quiet hours in the recipient's zone unless the stage is urgent", async () => {
    const rows = await deliveries(`d.stage IN ('T-90', 'T-60', 'T-30', 'T-14', 'T-7', 'T-3')`);
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      const { hour, weekday } = localHour(new Date(r.due_at).toISOString(), r.time_zone);
      expect([r.id, r.time_zone, weekday, hour >= 9 && hour < 17]).toEqual([r.id, r.time_zone, expect.not.stringMatching(/Sat|Sun/), true]);
      if (r.sent_at) expect(new Date(r.sent_at).getTime()).toBeGreaterThanOrEqual(new Date(r.due_at).getTime());
    }
    const la = rows.filter((r) => r.time_zone === 'America/Los_Angeles' && r.stage === 'T-30');
    expect(la.length).toBeGreaterThan(0);
    expect(la.every((r) => new Date(r.due_at).toISOString().endsWith('16:00:00.000Z'))).toBe(true);
  });

  it('delivers each message exactly once to the receivers, through two workers and one killed mid-send', async () => {
    const sent = await deliveries(`d.state = 'SENT'`);
    const received = [...smtp.inbox.messages, ...hooks.inbox.messages].map((m) => m.deliveryId).sort();
    expect(received).toEqual(sent.map((r) => String(r.id)).sort());
    // a worker killed between a send and its record resends with the same delivery id; the receiver sees the id twice
    expect(smtp.inbox.duplicates.length + hooks.inbox.duplicates.length).toBeLessThanOrEqual(duplicatesAllowed);
    expect(hooks.rejected).toEqual([]);
  });

  it('retries a failing receiver, then shows the delivery FAILED over GraphQL', async () => {
    const data = ok(
      await server.gql('query($id: ID!) { organisation(id: $id) { reminders(first: 500) { recipient channel state attempts lastError } } }', { id: orgs.W.id }),
    );
    const failing = data.organisation.reminders.filter((r: any) => r.recipient.endsWith('/fail'));
    const good = data.organisation.reminders.filter((r: any) => r.recipient.endsWith('/ok'));
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((r: any) => r.state === 'FAILED' && r.attempts === 3 && /answered 500/.test(r.lastError))).toBe(true);
    expect(good.every((r: any) => r.state === 'SENT' && r.channel === 'WEBHOOK')).toBe(true);
    expect(hooks.failures()).toBeGreaterThanOrEqual(failing.length * 3);
  });
});

describe('snooze limits and the preview', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ now: day(-10) });
  });
  afterAll(() => server?.stop());

  it('caps a snooze at the programme maximum and never lets it pass the cutoff', async () => {
    const org = await newOrganisation(server);
    const snooze = (until: string) =>
      server.gql('mutation($input: SnoozeRemindersInput!) { snoozeReminders(input: $input) { snoozedUntil } }', { input: { organisationId: org.id, until } });
    const tooLong = await snooze(day(5));
    expect(tooLong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'until' });
    expect(tooLong.errors![0].message).toMatch(/past|cutoff|at most/);
    expect((await snooze(day(-9) + '')).errors).toBeUndefined();
    const beyondCutoff = await snooze(new Date(CUTOFF + 3_600_000).toISOString());
    expect(beyondCutoff.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: day(1) }));
    const afterCutoff = await snooze(day(3));
    expect(afterCutoff.errors![0].message).toMatch(/cutoff has passed/);
  });

  it('previews what the planner would send at an instant and writes nothing', async () => {
    const org = await newOrganisation(server, { name: 'Preview Utility' });
    await newFootprint(server, org.id, { endpointCount: 40 });
    const preview = ok(
      await server.gql(
        'query($id: ID) { previewReminders(at: "2024-09-22T15:00:00Z", organisationId: $id) { stage level recipient recipientRole channel dueAt subject } }',
        { id: org.id },
      ),
    ).previewReminders;
    expect(preview.length).toBeGreaterThan(0);
    expect(preview.find((p: any) => p.stage === 'T-7')).toMatchObject({ level: 4, channel: 'EMAIL' });
    expect(preview.map((p: any) => p.recipientRole)).toEqual(expect.arrayContaining(['PRIMARY', 'EXECUTIVE']));
    expect((await server.sql('SELECT count(*)::int AS n FROM reminder_delivery'))[0].n).toBe(0);
  });
});

describe('the incremental planner misses nothing a full pass would plan', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ now: day(-100) });
  });
  afterAll(async () => server?.stop());

  it('after every pass, walked in steps of 11 hours from T-95 to T+20 with changes along the way, the outbox holds all a full dry run plans', async () => {
    const add = (input: Record<string, unknown>) =>
      server.gql('mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id } }', { input }).then(ok);
    await add({ kind: 'SECTOR_LIAISON', sector: 'WATER', name: 'Water liaison', email: 'liaison@water.example' });
    const orgs = [];
    for (const [i, overrides] of [{ criticalityTier: 1 }, { state: 'CA' }, { primarySector: 'ENERGY' }].entries()) {
      const org = await newOrganisation(server, { name: `Incremental ${i}`, ...overrides });
      await newFootprint(
        server,
        org.id,
        i === 1 ? { environment: 'OT', productCode: 'KICS_NODES', updateChannel: 'OFFLINE', endpointCount: 5 } : { endpointCount: 50 },
      );
      orgs.push(org);
    }
    const key = (r: { organisationId: string | null; stage: string; level: number; recipient: string; channel: string }) =>
      `${r.organisationId}|${r.stage}|${r.level}|${r.recipient}|${r.channel}`;
    let passes = 0;
    let looked = 0;
    for (let h = -95 * 24; h <= 20 * 24; h += 11) {
      const now = new Date(CUTOFF + h * 3_600_000).toISOString();
      ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: now }));
      if (h === -30 * 24 + 3) ok(await server.gql('mutation($id: ID!) { acknowledgeReminders(organisationId: $id) { currentLevel } }', { id: orgs[0].id }));
      if (h === -12 * 24 + 5) {
        const [row] = ok(await server.gql('query($id: ID!) { organisation(id: $id) { footprint { id version } } }', { id: orgs[2].id })).organisation.footprint;
        ok(
          await server.gql('mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }', {
            input: { organisationId: orgs[2].id, footprint: [{ id: row.id, version: row.version, endpointsRemaining: 10 }], milestones: [] },
          }),
        );
      }
      looked += ok(await server.gql('mutation { runReminderPlanner { organisations } }')).runReminderPlanner.organisations;
      passes += 1;
      const wanted = ok(
        await server.gql('query($at: DateTime!) { previewReminders(at: $at) { organisationId stage level recipient channel } }', { at: now }),
      ).previewReminders;
      const held = new Set(
        (
          await server.sql(`SELECT organisation_id AS "organisationId", stage, level, recipient, channel FROM reminder_delivery WHERE state <> 'CANCELLED'`)
        ).map(key),
      );
      expect({ at: now, missing: wanted.map(key).filter((k: string) => !held.has(k)) }).toEqual({ at: now, missing: [] });
    }
    // and it did look at fewer than every organisation at every pass
    expect(looked).toBeLessThan(passes * orgs.length);
  }, 300_000);
});

describe("the planner's marks are rows of their own", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ now: day(-10) });
  });
  afterAll(async () => server?.stop());

  it('a pass writes organisation_plan and leaves every status row untouched; a change marks its organisation there; a deletion takes its row', async () => {
    const orgs = [];
    for (let i = 0; i < 3; i++) {
      const org = await newOrganisation(server, { name: `Marked ${i}` });
      await newFootprint(server, org.id, { endpointCount: 40 });
      orgs.push(org);
    }
    // each status row's version as PostgreSQL wrote it (xmin: the transaction that wrote it last)
    const statusRows = () => server.sql(`SELECT organisation_id, programme_id, xmin::text AS written_by FROM organisation_status ORDER BY 1, 2`);
    const plans = async () =>
      Object.fromEntries(
        (await server.sql(`SELECT organisation_id, plan_due_at, plan_version FROM organisation_plan`)).map((r) => [
          r.organisation_id,
          { due: r.plan_due_at === null ? null : new Date(r.plan_due_at).toISOString(), version: r.plan_version },
        ]),
      );
    const pass = async () => ok(await server.gql('mutation { runReminderPlanner { organisations inserted } }')).runReminderPlanner;

    const before = await statusRows();
    expect(before).toHaveLength(3);
    const first = await pass();
    expect(first.organisations).toBe(3);
    expect(first.inserted).toBeGreaterThan(0);
    expect(await statusRows()).toEqual(before);
    const planned = await plans();
    expect(Object.keys(planned).sort()).toEqual(orgs.map((o) => o.id).sort());
    for (const id of Object.keys(planned)) expect(Date.parse(planned[id].due!)).toBeGreaterThan(Date.parse(day(-10)));

    // nothing changed: the next pass looks at nobody and writes nothing
    expect((await pass()).organisations).toBe(0);
    expect(await statusRows()).toEqual(before);
    expect(await plans()).toEqual(planned);

    // a change through the change path marks its organisation (due now, its version moved on), in the same statement
    const [row] = ok(await server.gql('query($id: ID!) { organisation(id: $id) { footprint { id version } } }', { id: orgs[0].id })).organisation.footprint;
    ok(
      await server.gql('mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }', {
        input: { organisationId: orgs[0].id, footprint: [{ id: row.id, version: row.version, endpointsRemaining: 10 }], milestones: [] },
      }),
    );
    const marked = await plans();
    expect(marked[orgs[0].id]).toEqual({ due: null, version: planned[orgs[0].id].version + 1 });
    expect(marked[orgs[1].id]).toEqual(planned[orgs[1].id]);

    const changed = await statusRows();
    expect((await pass()).organisations).toBe(1);
    expect(await statusRows()).toEqual(changed);
    const again = await plans();
    expect(again[orgs[0].id].version).toBe(marked[orgs[0].id].version);
    expect(again[orgs[0].id].due).not.toBeNull();

    // the organisation's deletion takes its status row, and its plan row with it
    await server.sql(`DELETE FROM organisation WHERE id = $1`, [orgs[2].id]);
    expect(Object.keys(await plans()).sort()).toEqual([orgs[0].id, orgs[1].id].sort());
  }, 120_000);
});
