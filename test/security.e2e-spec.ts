import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { newFootprint, newOrganisation, newToken } from './support/factories';
import { ReceivedWebhook, startWebhookReceiver, verifies } from './support/receivers';
import { errorCode, ok, startServer, TestServer } from './support/server';

/** T-7 at 15:00 UTC: the overdue milestones' reminders are due at once. */
const NOW = '2024-09-22T15:00:00.000Z';

/** A local service the worker must never reach: it counts every TCP connection made to it. */
async function localService(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('security: no request from the worker reaches the network behind it (SSRF)', () => {
  let server: TestServer;
  let inside: Awaited<ReturnType<typeof localService>>;

  beforeAll(async () => {
    inside = await localService();
    // no local receivers listed: https only, public addresses only
    server = await startServer({
      now: NOW,
      withWorker: true,
      env: { WEBHOOK_LOCAL_HOSTS: '', DELIVERY_ATTEMPTS: '1', RELAY_IDLE_MS: '50' },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await inside?.close();
  });

  it('refuses webhook URLs at internal addresses when they are saved, and a name resolving to one when the worker connects', async () => {
    const org = await newOrganisation(server, { name: 'Webhook Probe Utility' });
    const reporter = await newToken(server, { role: 'reporter', organisationId: org.id });
    const contacts = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id role } } }', { id: org.id }, reporter.token)).organisation
      .contacts;
    const primary = contacts.find((c: { role: string }) => c.role === 'PRIMARY');
    const save = (webhookUrl: string) =>
      server.gql(
        'mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { webhookUrl } }',
        // at any hour: the stage's one message is due at once (NOW is a Sunday)
        { input: { contactId: primary.id, webhookUrl, weekdaysOnly: false, businessHoursStart: 0, businessHoursEnd: 24 } },
        reporter.token,
      );

    for (const url of [
      `http://127.0.0.1:${inside.port}/hook`,
      `https://127.0.0.1:${inside.port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.5:8080/',
      'https://[::1]/',
      'https://100.64.0.1/',
      'https://[fd00::1]/',
    ]) {
      const refused = await save(url);
      expect([url, errorCode(refused)]).toEqual([url, 'BAD_USER_INPUT']);
      expect(refused.errors![0].extensions!.fields[0].field).toBe('webhookUrl');
    }
    expect(await server.sql(`SELECT webhook_url FROM notification_preference WHERE contact_id = $1`, [primary.id])).toEqual([]);
    // an escalation contact (admins) is held to the same rule
    const escalation = await server.gql('mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id } }', {
      input: { kind: 'SECTOR_LIAISON', sector: 'WATER', name: 'Probe', webhookUrl: `http://127.0.0.1:${inside.port}/` },
    });
    expect(errorCode(escalation)).toBe('BAD_USER_INPUT');

    // a name passes the save check; the worker resolves it, finds a loopback address, and never connects
    ok(await save(`https://localhost:${inside.port}/hook`));
    // and a URL saved before this rule existed, held in the database, is refused when sending
    const executive = contacts.find((c: { role: string }) => c.role === 'EXECUTIVE');
    await server.sql(
      `INSERT INTO notification_preference (contact_id, email_enabled, webhook_url, business_hours_start, business_hours_end, weekdays_only, updated_at)
      VALUES ($1, false, $2, 0, 24, false, now())`,
      [executive.id, `http://127.0.0.1:${inside.port}/old`],
    );

    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    const webhookRows = () =>
      server.sql(`SELECT state, last_error, recipient FROM reminder_delivery WHERE organisation_id = $1 AND channel = 'WEBHOOK' AND due_at <= $2`, [
        org.id,
        NOW,
      ]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await webhookRows();
      if (rows.length > 0 && rows.every((r) => r.state === 'FAILED')) break;
      if (Date.now() > deadline) throw new Error(`webhook deliveries did not end: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await webhookRows();
    expect(rows.some((r) => r.recipient.startsWith('https://localhost'))).toBe(true);
    expect(rows.some((r) => r.recipient.startsWith('http://127.0.0.1'))).toBe(true);
    expect(inside.connections()).toBe(0);

    // what the reporter reads back is a class of failure: no remote text, no address, no port
    const seen = ok(await server.gql('query($id: ID!) { organisation(id: $id) { reminders { channel state lastError } } }', { id: org.id }, reporter.token));
    const errors = seen.organisation.reminders
      .filter((r: { channel: string; state: string }) => r.channel === 'WEBHOOK' && r.state === 'FAILED')
      .map((r: { lastError: string }) => r.lastError);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e).toMatch(/^webhook refused/);
      expect(e).not.toMatch(/127\.0\.0\.1|::1|ECONN|\d{4,5}/);
    }
    console.log(
      `SECURITY webhook SSRF | checked: 8 internal URLs refused at save, a name resolving to loopback and a pre-rule URL refused at send | failed=${rows.length} connectionsToLocalService=${inside.connections()}`,
    );
  });
});

describe('security: escalation that cannot be silenced', () => {
  const CUTOFF = Date.parse('2024-09-29T04:00:00Z');
  const DAY = 86_400_000;
  /** 15:00 UTC on day d from the cutoff. */
  const day = (d: number) => new Date(CUTOFF + d * DAY + 11 * 3_600_000).toISOString();
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ now: day(-60) });
  });
  afterAll(() => server?.stop());

  it('a reporter acknowledging and snoozing as often as the API lets it from T-60 to T+30 still reaches its liaison when the rule says so', async () => {
    ok(
      await server.gql('mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id } }', {
        input: { kind: 'SECTOR_LIAISON', sector: 'WATER', name: 'Water liaison', email: 'liaison.water@cisa.example' },
      }),
    );
    const org = await newOrganisation(server, { name: 'Silent Water Utility', criticalityTier: 3 });
    await newFootprint(server, org.id, { endpointCount: 10 });
    const reporter = await newToken(server, { role: 'reporter', organisationId: org.id });
    // a diligent organisation: it reports every day and finishes each milestone before its target, so
    // the rule's level is the time alone (1 until T-7, 2 until the final day, 3 from T-1): it is the
    // acknowledgements and snoozes that would keep its liaison from hearing
    const report = async (now: string) => {
      const o = ok(
        await server.gql(
          'query($id: ID!) { organisation(id: $id) { footprint { id version endpointsRemaining } milestones { id version state targetAt } } }',
          { id: org.id },
          reporter.token,
        ),
      ).organisation;
      const due = o.milestones.filter((m: { state: string; targetAt: string }) => m.state !== 'DONE' && Date.parse(m.targetAt) <= Date.parse(now) + 7 * DAY);
      ok(
        await server.gql(
          'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
          {
            input: {
              organisationId: org.id,
              footprint: o.footprint.map((f: { id: string; version: number }) => ({ id: f.id, version: f.version, endpointsRemaining: 1 })),
              milestones: due.map((m: { id: string; version: number }) => ({ id: m.id, version: m.version, state: 'DONE' })),
            },
          },
          reporter.token,
        ),
      );
    };
    const acknowledged: number[] = [];
    const snoozed: Array<[number, number]> = []; // [from, until] in epoch ms
    const inDigest: number[] = [];
    for (let d = -60; d <= 30; d += 1) {
      const now = day(d);
      ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: now }));
      await report(now);
      const ack = await server.gql('mutation($id: ID!) { acknowledgeReminders(organisationId: $id) { acknowledgedLevel } }', { id: org.id }, reporter.token);
      if (!ack.errors) acknowledged.push(d);
      else expect(errorCode(ack)).toBe('BAD_USER_INPUT');
      const until = new Date(Math.min(Date.parse(now) + 14 * DAY, CUTOFF)).toISOString();
      const snooze = await server.gql(
        'mutation($input: SnoozeRemindersInput!) { snoozeReminders(input: $input) { snoozedUntil } }',
        { input: { organisationId: org.id, until } },
        reporter.token,
      );
      if (!snooze.errors) snoozed.push([Date.parse(now), Date.parse(until)]);
      else expect(errorCode(snooze)).toBe('BAD_USER_INPUT');
      const planned = ok(await server.gql('query($at: DateTime!) { previewReminders(at: $at) { recipientRole payload } }', { at: now })).previewReminders;
      const digests = planned.filter((p: { recipientRole: string }) => p.recipientRole === 'SECTOR_LIAISON');
      if (digests.some((p: { payload: any }) => p.payload.organisations?.some((o: { id: string }) => o.id === org.id))) inDigest.push(d);
    }
    // one acknowledgement per reminder stage, never more
    const stages = new Set(acknowledged.map((d) => (d < -60 ? 'x' : d)));
    expect(acknowledged.length).toBe(stages.size);
    expect(acknowledged.length).toBeLessThanOrEqual(8 + 5); // T-60 … T-0 stages and the overdue stages to T+30
    // snoozes add up to the programme's total at the most, and none in the last week
    // the time covered by the snoozes (re-snoozing within a snooze only extends it)
    let total = 0;
    let coveredTo = 0;
    for (const [from, to] of snoozed) {
      total += Math.max(0, to - Math.max(from, coveredTo)) / DAY;
      coveredTo = Math.max(coveredTo, to);
    }
    expect(snoozed.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(21 + 1e-6);
    expect(snoozed.every(([from]) => CUTOFF - from > 7 * DAY)).toBe(true);
    // the rule alone decides who hears: not the liaison while the level is under 3 (before the final
    // day), and the liaison every day from the final day on, acknowledged and snoozed or not
    expect(inDigest.filter((d) => d < -1)).toEqual([]);
    for (let d = -1; d <= 30; d += 1) expect([d, inDigest.includes(d)]).toEqual([d, true]);
    console.log(
      `SECURITY escalation not silenced | acknowledgements=${acknowledged.length} snoozedDays=${total.toFixed(1)} daysInLiaisonDigest=${inDigest.length} (every day from T-1 to T+30)`,
    );
  });
});

describe('security: the low ones', () => {
  const NOW_T7 = '2024-09-22T15:00:00.000Z';
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ now: NOW_T7 });
  });
  afterAll(() => server?.stop());

  it('counts what a query may cost with list sizes multiplied, variables included, and refuses the costly one before it runs', async () => {
    const nested = `query($n: Int) { organisations(first: 500) { edges { node { id history(first: $n) { before after } } } } }`;
    const costly = await server.gql(nested, { n: 500 });
    expect(errorCode(costly)).toBe('QUERY_TOO_COMPLEX');
    expect(costly.errors![0].message).toMatch(/would cost \d+/);
    expect(costly.statements).toBeLessThanOrEqual(1); // refused before any statement but the credential
    // the same shape asking for what a page needs runs
    ok(await server.gql(nested, { n: 5 }));
    // and so does a dashboard-sized list three levels deep
    ok(await server.gql(`{ organisations(first: 500) { edges { node { id footprint { id } milestones { id } history(first: 5) { id } } } } }`));
    // aliases of a cheap field still meet the field budget; a costly alias meets the cost
    const aliased = `{ organisations(first: 300) { edges { node { ${[1, 2, 3].map((i) => `h${i}: history(first: 200) { id }`).join(' ')} } } } }`;
    expect(errorCode(await server.gql(aliased))).toBe('QUERY_TOO_COMPLEX');
  });

  it('writes no webhook secret into the history: scheme and host only', async () => {
    const org = await newOrganisation(server, { name: 'Secret Hook Water' });
    const contacts = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id role } } }', { id: org.id })).organisation.contacts;
    const secretUrl = 'https://hooks.example/services/T0KEN-SECRET-123?sig=abc';
    const saved = ok(
      await server.gql('mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { webhookUrl } }', {
        input: { contactId: contacts[0].id, webhookUrl: secretUrl },
      }),
    ).updateNotificationPreference;
    expect(saved.webhookUrl).toBe(secretUrl); // the contact's own setting, in scope, says what it is
    const history = ok(await server.gql('query($id: ID!) { organisation(id: $id) { history(first: 20) { entityType after } } }', { id: org.id })).organisation
      .history;
    const event = history.find((h: { entityType: string }) => h.entityType === 'notification_preference');
    expect(event.after.webhookUrl).toBe('https://hooks.example/…');
    expect(JSON.stringify(history)).not.toMatch(/T0KEN-SECRET|sig=abc/);
    const escalation = ok(
      await server.gql('mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id } }', {
        input: { kind: 'SRMA', sector: 'WATER', name: 'Hooked SRMA', webhookUrl: 'https://hooks.example/agency/AGENCY-SECRET' },
      }),
    ).addEscalationContact;
    const [audit] = await server.sql(`SELECT after FROM audit_event WHERE entity_type = 'escalation_contact' AND entity_id = $1`, [escalation.id]);
    expect(JSON.stringify(audit.after)).not.toMatch(/AGENCY-SECRET/);
  });

  it('lets only an admin or a liaison of the primary sector change an organisation sectors', async () => {
    const org = await newOrganisation(server, { primarySector: 'WATER', secondarySectors: ['ENERGY'] });
    const energy = await newToken(server, { role: 'liaison', sectors: ['ENERGY'] });
    const water = await newToken(server, { role: 'liaison', sectors: ['WATER', 'ENERGY'] });
    const update =
      'mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version primarySector { code } secondarySectors { code } } }';
    // the secondary sector's liaison sees and edits it, but may not take it over or widen it
    expect(errorCode(await server.gql(update, { input: { id: org.id, version: 1, primarySector: 'ENERGY' } }, energy.token))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(update, { input: { id: org.id, version: 1, secondarySectors: ['ENERGY', 'CHEMICAL'] } }, energy.token))).toBe(
      'FORBIDDEN',
    );
    expect(ok(await server.gql(update, { input: { id: org.id, version: 1, name: 'Renamed by energy' } }, energy.token)).updateOrganisation.version).toBe(2);
    expect((await server.sql(`SELECT primary_sector_code, secondary_sector_codes FROM organisation WHERE id = $1`, [org.id]))[0]).toEqual({
      primary_sector_code: 'WATER',
      secondary_sector_codes: ['ENERGY'],
    });
    // the primary sector's liaison may
    expect(
      ok(await server.gql(update, { input: { id: org.id, version: 2, primarySector: 'ENERGY', secondarySectors: ['WATER'] } }, water.token)).updateOrganisation,
    ).toEqual({ version: 3, primarySector: { code: 'ENERGY' }, secondarySectors: [{ code: 'WATER' }] });
  });

  it('reminds again an organisation whose completion a new report undid', async () => {
    const org = await newOrganisation(server, { name: 'Undone Water', criticalityTier: 3 });
    const f = await newFootprint(server, org.id, { endpointCount: 20 });
    // the organisation reports for itself (an edit by staff is not its report: issue 18 item 3)
    const reporter = (await newToken(server, { role: 'reporter', organisationId: org.id })).token;
    const submit = 'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { footprint { id version } milestones { id key version } } }';
    const milestones = ok(await server.gql('query($id: ID!) { organisation(id: $id) { milestones { id key version targetAt } } }', { id: org.id })).organisation
      .milestones;
    // on time: what is due is done, and a quarter of the endpoints remain
    const first = ok(
      await server.gql(
        submit,
        {
          input: {
            organisationId: org.id,
            footprint: [{ id: f.id, version: f.version, endpointsRemaining: 5 }],
            milestones: milestones
              .filter((m: { targetAt: string }) => Date.parse(m.targetAt) <= Date.parse(NOW_T7))
              .map((m: { id: string; version: number }) => ({ id: m.id, version: m.version, state: 'DONE' })),
          },
        },
        reporter,
      ),
    ).submitSelfReport;
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    const stageRows = () =>
      server.sql(`SELECT state, cancel_reason, level FROM reminder_delivery WHERE organisation_id = $1 AND stage = 'T-7' ORDER BY id`, [org.id]);
    expect((await stageRows()).map((r) => r.state)).toEqual(['PENDING', 'PENDING']); // primary and executive, at level 2

    // complete: nothing remains, every milestone done, removal verified
    const now = ok(await server.gql('query($id: ID!) { organisation(id: $id) { milestones { id key version state } } }', { id: org.id })).organisation
      .milestones;
    const done = ok(
      await server.gql(
        submit,
        {
          input: {
            organisationId: org.id,
            footprint: [{ id: f.id, version: first.footprint[0].version, endpointsRemaining: 0 }],
            milestones: now
              .filter((m: { state: string }) => m.state !== 'DONE')
              .map((m: { id: string; version: number }) => ({ id: m.id, version: m.version, state: 'DONE' })),
          },
        },
        reporter,
      ),
    ).submitSelfReport;
    // awaiting verification the stage is planned again; the liaison's verification completes it
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    expect((await stageRows()).map((r) => r.state)).toEqual(['PENDING', 'PENDING']);
    const removal = done.milestones.find((m: { key: string }) => m.key === 'REMOVAL_VERIFIED');
    ok(
      await server.gql('mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { id } }', {
        input: { id: removal.id, version: removal.version },
      }),
    );
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    expect((await stageRows()).map((r) => [r.state, r.cancel_reason])).toEqual([
      ['CANCELLED', 'complete'],
      ['CANCELLED', 'complete'],
    ]);

    // a new report finds five endpoints again: no longer complete, and the stage is planned again
    ok(
      await server.gql(
        submit,
        { input: { organisationId: org.id, footprint: [{ id: f.id, version: done.footprint[0].version, endpointsRemaining: 5 }] } },
        reporter,
      ),
    );
    expect((await server.sql(`SELECT status FROM organisation_status WHERE organisation_id = $1`, [org.id]))[0].status).not.toBe('COMPLETE');
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    expect((await stageRows()).map((r) => [r.state, r.level])).toEqual([
      ['PENDING', 2],
      ['PENDING', 2],
    ]);
  });
});

describe('security: one webhook secret per receiver', () => {
  /** T-3, a Thursday at 10:00 in Chicago: the stage goes out at once. */
  const T3 = '2024-09-26T15:00:00.000Z';
  /** T-1, the final day (urgent), within the rotation's 48-hour overlap. */
  const T1 = '2024-09-28T14:00:00.000Z';
  /** T-0, after the cutoff (urgent), past the overlap. */
  const T0 = '2024-09-29T05:00:00.000Z';
  let server: TestServer;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    server = await startServer({ now: T3, withWorker: true, env: { DELIVERY_ATTEMPTS: '1', RELAY_IDLE_MS: '50' } });
  });
  afterAll(async () => {
    await server?.stop();
    await hooks?.close();
  });

  /** Every webhook delivery due by `now` has ended (sent or failed). */
  async function settle(now: string) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [{ n }] = await server.sql(
        `SELECT count(*)::int AS n FROM reminder_delivery WHERE channel = 'WEBHOOK' AND (state IN ('ENQUEUED', 'SENDING') OR (state = 'PENDING' AND due_at <= $1))`,
        [now],
      );
      if (n === 0) return;
      if (Date.now() > deadline) throw new Error(`webhook deliveries did not end at ${now}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('signs each webhook with its own secret in the Standard Webhooks form, rotates with an overlap, and shows a secret only once', async () => {
    const preference =
      'mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { webhookUrl webhookSecret webhookSecretIssuedAt webhookPreviousSecretValidUntil } }';
    const rotate =
      'mutation($id: ID!, $hours: Int) { rotateWebhookSecret(contactId: $id, overlapHours: $hours) { webhookSecret issuedAt previousSecretValidUntil } }';
    const setUp = async (name: string, path: string) => {
      const org = await newOrganisation(server, { name });
      await newFootprint(server, org.id, { endpointCount: 10 });
      const reporter = await newToken(server, { role: 'reporter', organisationId: org.id });
      const contact = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id role } } }', { id: org.id })).organisation.contacts.find(
        (c: { role: string }) => c.role === 'PRIMARY',
      );
      const saved = ok(
        await server.gql(preference, { input: { contactId: contact.id, webhookUrl: `${hooks.url}${path}`, emailEnabled: false } }, reporter.token),
      ).updateNotificationPreference;
      hooks.trust(path, saved.webhookSecret);
      return { org, reporter, contact, saved };
    };
    const a = await setUp('Signed Hook Water A', '/a');
    const b = await setUp('Signed Hook Water B', '/b');
    // (d) the secret is in the answer that issued it, in the Standard Webhooks form, and never again
    expect(a.saved).toEqual({
      webhookUrl: `${hooks.url}/a`,
      webhookSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      webhookSecretIssuedAt: T3,
      webhookPreviousSecretValidUntil: null,
    });
    expect(b.saved.webhookSecret).not.toBe(a.saved.webhookSecret);
    const again = ok(
      await server.gql(preference, { input: { contactId: a.contact.id, businessHoursStart: 8 } }, a.reporter.token),
    ).updateNotificationPreference;
    expect(again).toEqual({ ...a.saved, webhookSecret: null });
    const read = () =>
      server.gql('query($id: ID!) { organisation(id: $id) { contacts { id notificationPreference { webhookUrl webhookSecret webhookSecretIssuedAt } } } }', {
        id: a.org.id,
      });
    expect(ok(await read()).organisation.contacts.find((c: { id: string }) => c.id === a.contact.id).notificationPreference).toEqual({
      webhookUrl: `${hooks.url}/a`,
      webhookSecret: null,
      webhookSecretIssuedAt: T3,
    });
    // an escalation contact's webhook (admins only) gets its own secret the same way: its digests are signed with it
    const liaison = ok(
      await server.gql('mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id webhookSecret } }', {
        input: { kind: 'SECTOR_LIAISON', sector: 'WATER', name: 'Hooked water liaison', webhookUrl: `${hooks.url}/liaison` },
      }),
    ).addEscalationContact;
    expect(liaison.webhookSecret).toMatch(/^whsec_/);
    hooks.trust('/liaison', liaison.webhookSecret);
    expect(ok(await server.gql('{ escalationContacts { id webhookSecret webhookSecretIssuedAt } }')).escalationContacts).toEqual([
      { id: liaison.id, webhookSecret: null, webhookSecretIssuedAt: T3 },
    ]);

    // phase 1, T-3: each receiver's messages
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    await settle(T3);
    const phase1 = hooks.received.length;

    // (c) A rotates with a 48-hour overlap; its receiver takes the new secret beside the old one
    const rotated = ok(await server.gql(rotate, { id: a.contact.id, hours: 48 }, a.reporter.token)).rotateWebhookSecret;
    expect(rotated).toEqual({ webhookSecret: expect.stringMatching(/^whsec_/), issuedAt: T3, previousSecretValidUntil: '2024-09-28T15:00:00.000Z' });
    hooks.trust('/a', rotated.webhookSecret);
    // the escalation contact's secret is an admin's to rotate; another organisation's reporter does not find A's contact
    const liaisonToken = await newToken(server, { role: 'liaison', sectors: ['WATER'] });
    expect(
      errorCode(
        await server.gql('mutation($id: ID!) { rotateEscalationWebhookSecret(escalationContactId: $id) { issuedAt } }', { id: liaison.id }, liaisonToken.token),
      ),
    ).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(rotate, { id: a.contact.id, hours: 1 }, b.reporter.token))).toBe('NOT_FOUND');

    // phase 2, T-1 (inside the overlap)
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: T1 }));
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    await settle(T1);
    const phase2 = hooks.received.length;

    // phase 3, T-0 (past the overlap); B moves its webhook to a new URL, which gets a new secret at once, without overlap
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: T0 }));
    hooks.trust('/a', rotated.webhookSecret, { only: true });
    const moved = ok(
      await server.gql(preference, { input: { contactId: b.contact.id, webhookUrl: `${hooks.url}/b2` } }, b.reporter.token),
    ).updateNotificationPreference;
    expect(moved).toEqual({
      webhookUrl: `${hooks.url}/b2`,
      webhookSecret: expect.stringMatching(/^whsec_/),
      webhookSecretIssuedAt: T0,
      webhookPreviousSecretValidUntil: null,
    });
    hooks.trust('/b2', moved.webhookSecret);
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    await settle(T0);

    const secrets = { A1: a.saved.webhookSecret, A2: rotated.webhookSecret, B1: b.saved.webhookSecret, B2: moved.webhookSecret, L1: liaison.webhookSecret };
    /** Which of the secrets verify a message, by the library alone. */
    const verifiedBy = (m: ReceivedWebhook) =>
      Object.entries(secrets)
        .filter(([, secret]) => verifies(secret, m.body, m.headers))
        .map(([name]) => name);
    const messages = hooks.received.map((m, i) => ({ path: m.path, phase: i < phase1 ? 1 : i < phase2 ? 2 : 3, by: verifiedBy(m), m }));
    const of = (path: string, phase: number) => messages.filter((x) => x.path === path && x.phase === phase);
    for (const [path, phase] of [
      ['/a', 1],
      ['/a', 2],
      ['/a', 3],
      ['/b', 1],
      ['/b', 2],
      ['/b2', 3],
      ['/liaison', 2],
      ['/liaison', 3],
    ] as const) {
      expect([path, phase, of(path, phase).length > 0]).toEqual([path, phase, true]);
    }
    // (a) and (b): each message verifies with its own receiver's secret and with no other receiver's
    for (const x of of('/a', 1)) expect(x.by).toEqual(['A1']);
    for (const x of [...of('/b', 1), ...of('/b', 2)]) expect(x.by).toEqual(['B1']);
    for (const x of messages.filter((y) => y.path === '/liaison')) expect(x.by).toEqual(['L1']);
    // (c) during the overlap the old and the new secret verify; after it, the new one only
    for (const x of of('/a', 2)) expect(x.by).toEqual(['A1', 'A2']);
    for (const x of of('/a', 3)) expect(x.by).toEqual(['A2']);
    // a new URL: the new secret only, the old receiver's no longer
    for (const x of of('/b2', 3)) expect(x.by).toEqual(['B2']);
    // the delivery id is webhook-id, and it is signed: the same message under another id verifies with nothing
    const sample = of('/a', 2)[0].m;
    expect(sample.headers['webhook-id']).toBe(JSON.parse(sample.body).deliveryId);
    expect(sample.headers['x-tracker-delivery']).toBe(sample.headers['webhook-id']);
    expect(verifiedBy({ ...sample, headers: { ...sample.headers, 'webhook-id': String(Number(sample.headers['webhook-id']) + 1) } })).toEqual([]);
    expect(hooks.rejected).toEqual([]);
    const webhookStates = await server.sql(`SELECT state, count(*)::int AS n FROM reminder_delivery WHERE channel = 'WEBHOOK' GROUP BY state ORDER BY state`);
    expect(webhookStates.filter((r) => r.state !== 'SENT' && r.state !== 'CANCELLED')).toEqual([]);

    // (d) no secret in any audit row, in the history, in a later read or in the log
    const history = JSON.stringify(
      ok(await server.gql('query($id: ID!) { organisation(id: $id) { history(first: 50) { action before after } } }', { id: a.org.id })).organisation.history,
    );
    expect(history).toContain('rotate_webhook_secret');
    const audit = JSON.stringify(await server.sql(`SELECT * FROM audit_event`));
    const reads = JSON.stringify([ok(await read()), ok(await server.gql('{ escalationContacts { webhookSecret } }'))]);
    for (const [name, secret] of Object.entries(secrets)) {
      const key = secret.slice('whsec_'.length);
      for (const [where, text] of [
        ['history', history],
        ['audit', audit],
        ['reads', reads],
        ['log', server.output()],
      ])
        expect([name, where, text.includes(key)]).toEqual([name, where, false]);
    }
    console.log(
      `SECURITY webhook secrets | messages=${messages.length} (A ${messages.filter((x) => x.path === '/a').length}, B ${messages.filter((x) => x.path.startsWith('/b')).length}, liaison ${messages.filter((x) => x.path === '/liaison').length}) | each verified by its receiver's secret only; overlap: old and new; after: new only`,
    );
  });
});
