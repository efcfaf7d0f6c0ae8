import { auditCount, milestonesOf, newFootprint, newOrganisation, newToken } from './support/factories';
import { errorCode, GqlResponse, ok, startServer, TestServer } from './support/server';

/**
 * Extensions that count (libs/domain/extension-rules.ts): an OT organisation whose IT removal is verified
 * and whose OT removal is extended by a liaison is judged, reminded and escalated against the extended
 * target after the cutoff, files a status report every 90 days (the seeded programme's rule, after the
 * FCC's), and lapses back, visibly, when the extension expires. Refusals are typed and change nothing.
 */
const CUTOFF = Date.parse('2024-09-29T04:00:00Z');
const DAY = 86_400_000;
const day = (d: number) => new Date(CUTOFF + d * DAY).toISOString();

const MILESTONE_FIELDS =
  'id key track state version targetAt judgedTargetAt extensionStanding extensionId extensionExpiresAt extensionLapsesTo extensionReportDueAt';
const EXTENSION_FIELDS =
  'id state version milestoneId requestedTargetAt grantedTargetAt expiresAt previousTargetAt decidedBy decidedAt decisionNote statusReportedAt statusReportedBy statusReport';
const REQUEST = `mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { ${EXTENSION_FIELDS} } }`;
const GRANT = `mutation($input: GrantExtensionInput!) { grantExtension(input: $input) { ${EXTENSION_FIELDS} } }`;
const DENY = `mutation($input: DenyExtensionInput!) { denyExtension(input: $input) { ${EXTENSION_FIELDS} } }`;
const REPORT = `mutation($input: ExtensionStatusReportInput!) { reportExtensionStatus(input: $input) { ${EXTENSION_FIELDS} } }`;
const STATUS = `query($id: ID!, $at: DateTime) { organisation(id: $id) { status(at: $at) { status reasons { code message milestoneKey track } } } }`;
const PREVIEW = `query($at: DateTime!, $id: ID) { previewReminders(at: $at, organisationId: $id) { organisationId stage level recipient recipientRole payload } }`;

type Milestone = {
  id: string;
  key: string;
  track: string;
  state: string;
  version: number;
  targetAt: string;
  judgedTargetAt: string;
  extensionStanding: string;
  extensionId: string | null;
  extensionExpiresAt: string | null;
  extensionLapsesTo: string | null;
  extensionReportDueAt: string | null;
};

describe('extensions that count', () => {
  let server: TestServer;
  let liaison: { token: string; id: string };

  const setNow = async (at: string) => ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at }));
  const milestones = async (id: string): Promise<Milestone[]> =>
    ok(await server.gql(`query($id: ID!) { organisation(id: $id) { milestones { ${MILESTONE_FIELDS} } } }`, { id })).organisation.milestones;
  const ot = async (id: string, key: string) => (await milestones(id)).find((m) => m.track === 'OT' && m.key === key)!;
  const status = async (id: string, at?: string) =>
    ok(await server.gql(STATUS, { id, at })).organisation.status as {
      status: string;
      reasons: Array<{ code: string; message: string; milestoneKey: string | null; track: string | null }>;
    };
  const field = (r: GqlResponse) => r.errors?.[0]?.extensions?.field;

  /**
   * An ENERGY organisation in Oklahoma with an OT deployment: its IT track done and its removal verified
   * by a liaison, every OT milestone before the removal done; the OT removal and its verification wait.
   */
  async function otWaiting(name: string) {
    const org = await newOrganisation(server, {
      name,
      primarySector: 'ENERGY',
      state: 'OK',
      criticalityTier: 3,
      contacts: [{ role: 'PRIMARY', name: 'Olu Operator', email: `olu.${name.replace(/\W/g, '').toLowerCase()}@coop.example`, timeZone: 'America/Chicago' }],
    });
    await newFootprint(server, org.id, { productCode: 'KICS_NODES', environment: 'OT', endpointCount: 6, updateChannel: 'OFFLINE' });
    const reporter = await newToken(server, { role: 'reporter', organisationId: org.id });
    const all = await milestonesOf(server, org.id);
    const waiting = (m: { track: string; key: string }) => m.track === 'OT' && (m.key === 'KASPERSKY_REMOVED' || m.key === 'REMOVAL_VERIFIED');
    ok(
      await server.gql(
        'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
        {
          input: { organisationId: org.id, milestones: all.map((m) => ({ id: m.id, version: m.version, state: waiting(m) ? 'IN_PROGRESS' : 'DONE' })) },
        },
        reporter.token,
      ),
    );
    const itVerified = (await milestonesOf(server, org.id)).find((m) => m.track === 'IT' && m.key === 'REMOVAL_VERIFIED')!;
    ok(
      await server.gql(
        'mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { verified } }',
        { input: { id: itVerified.id, version: itVerified.version } },
        liaison.token,
      ),
    );
    return { org, reporter };
  }

  beforeAll(async () => {
    server = await startServer({ now: day(-30) });
    liaison = await newToken(server, { role: 'liaison', sectors: ['ENERGY'] });
    const add = (input: Record<string, unknown>) =>
      server.gql('mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id } }', { input }).then(ok);
    await add({ kind: 'SECTOR_LIAISON', sector: 'ENERGY', name: 'Energy liaison', email: 'liaison.energy@cisa.example' });
    await add({ kind: 'SRMA', sector: 'ENERGY', name: 'DOE', email: 'energy@doe.example' });
    await add({ kind: 'CISA_REGION', region: 6, name: 'CISA Region 6', email: 'region6@cisa.example', timeZone: 'America/Chicago' });
  }, 120_000);
  afterAll(() => server?.stop());

  it('the programme holds the rules: six months a grant, two grants a milestone, a status report every 90 days', async () => {
    const { programme } = ok(await server.gql('{ programme { rules { extensions { maxGrantDays maxGrantsPerMilestone statusReportEveryDays } } } }'));
    expect(programme.rules.extensions).toEqual({ maxGrantDays: 183, maxGrantsPerMilestone: 2, statusReportEveryDays: 90 });
  });

  describe('refusals are typed, name the field, and change nothing', () => {
    it('a request or a grant longer than one grant may give; an expiry before the target; a third grant; a report on what is not in force', async () => {
      const { org, reporter } = await otWaiting('Refused Power Coop');
      const removal = await ot(org.id, 'KASPERSKY_REMOVED');
      const before = await auditCount(server);

      // 2024-09-29 + 183 days is 2025-03-31T04:00Z
      const tooLong = await server.gql(
        REQUEST,
        { input: { milestoneId: removal.id, justification: 'Spring outage, then the summer peak.', requestedTargetAt: day(184) } },
        reporter.token,
      );
      expect(errorCode(tooLong)).toBe('BAD_USER_INPUT');
      expect(field(tooLong)).toBe('requestedTargetAt');
      expect(tooLong.errors![0].message).toContain('183 days');
      expect(await server.sql('SELECT 1 FROM extension WHERE milestone_id = $1', [removal.id])).toHaveLength(0);
      expect(await auditCount(server)).toBe(before);

      const requested = ok(
        await server.gql(
          REQUEST,
          { input: { milestoneId: removal.id, justification: 'Controllers change only in the spring outage.', requestedTargetAt: day(150) } },
          reporter.token,
        ),
      ).requestExtension;
      const afterRequest = await auditCount(server);
      for (const [input, name] of [
        [{ grantedTargetAt: day(200) }, 'grantedTargetAt'],
        [{ expiresAt: day(100) }, 'expiresAt'],
        [{ expiresAt: day(190) }, 'expiresAt'],
      ] as const) {
        const refused = await server.gql(GRANT, { input: { id: requested.id, version: requested.version, ...input } }, liaison.token);
        expect([errorCode(refused), field(refused)]).toEqual(['BAD_USER_INPUT', name]);
      }
      const [row] = await server.sql('SELECT state, version FROM extension WHERE id = $1', [requested.id]);
      expect(row).toEqual({ state: 'REQUESTED', version: 1 });
      expect((await ot(org.id, 'KASPERSKY_REMOVED')).targetAt).toBe(removal.targetAt);
      expect(await auditCount(server)).toBe(afterRequest);
      expect(errorCode(await server.gql(GRANT, { input: { id: requested.id, version: requested.version } }, reporter.token))).toBe('FORBIDDEN');

      // a report on an extension only requested
      const early = await server.gql(REPORT, { input: { id: requested.id, version: requested.version, report: 'Nothing granted yet.' } }, reporter.token);
      expect([errorCode(early), field(early)]).toEqual(['CONFLICT', 'id']);

      // two grants, chained: the second extends the first and both lapse back to the target before the first
      const first = ok(
        await server.gql(GRANT, { input: { id: requested.id, version: requested.version, note: 'Granted to the spring outage' } }, liaison.token),
      ).grantExtension;
      expect(first).toMatchObject({ state: 'GRANTED', previousTargetAt: day(0), grantedTargetAt: day(150), expiresAt: day(150) });
      const second = ok(
        await server.gql(
          REQUEST,
          { input: { milestoneId: removal.id, justification: 'The outage moved to the autumn.', requestedTargetAt: day(300) } },
          reporter.token,
        ),
      ).requestExtension;
      const granted = ok(await server.gql(GRANT, { input: { id: second.id, version: second.version } }, liaison.token)).grantExtension;
      expect(granted).toMatchObject({ previousTargetAt: day(150), grantedTargetAt: day(300) });
      expect(await ot(org.id, 'KASPERSKY_REMOVED')).toMatchObject({
        targetAt: day(300),
        extensionId: second.id,
        extensionExpiresAt: day(300),
        extensionLapsesTo: day(0),
        extensionStanding: 'EXTENDED',
      });

      const third = await server.gql(
        REQUEST,
        { input: { milestoneId: removal.id, justification: 'And once more, please.', requestedTargetAt: day(400) } },
        reporter.token,
      );
      expect([errorCode(third), field(third)]).toEqual(['CONFLICT', 'milestoneId']);
      expect(third.errors![0].message).toContain('the most the programme allows (2)');

      const stale = await server.gql(REPORT, { input: { id: first.id, version: first.version, report: 'Reporting on the first grant.' } }, reporter.token);
      expect([errorCode(stale), field(stale)]).toEqual(['CONFLICT', 'id']);
      expect(await server.sql('SELECT status_reported_at FROM extension WHERE id = $1', [first.id])).toEqual([{ status_reported_at: null }]);
    });

    it('a denial shows who decided and why', async () => {
      const { org, reporter } = await otWaiting('Denied Power Coop');
      const removal = await ot(org.id, 'KASPERSKY_REMOVED');
      const requested = ok(
        await server.gql(REQUEST, { input: { milestoneId: removal.id, justification: 'We would rather wait.', requestedTargetAt: day(60) } }, reporter.token),
      ).requestExtension;
      const denied = ok(
        await server.gql(DENY, { input: { id: requested.id, version: requested.version, note: 'No maintenance window cited' } }, liaison.token),
      ).denyExtension;
      expect(denied).toMatchObject({
        state: 'DENIED',
        decidedBy: `credential:${liaison.id}`,
        decidedAt: day(-30),
        decisionNote: 'No maintenance window cited',
      });
      expect(await ot(org.id, 'KASPERSKY_REMOVED')).toMatchObject({ targetAt: day(0), extensionStanding: 'NONE', extensionId: null });
    });
  });

  it('judged against the extended target after the cutoff, reminded of its status report, not escalated to the SRMA; lapses back visibly', async () => {
    const { org, reporter } = await otWaiting('Extended Power Coop');

    // without an extension, a month past the cutoff: overdue and climbing to the SRMA and the CISA region
    const unextended = await status(org.id, day(30));
    expect(unextended.status).toBe('OVERDUE');
    expect(unextended.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['PAST_CUTOFF', 'MILESTONE_OVERDUE']));
    const climbed = ok(await server.gql(PREVIEW, { at: day(30), id: org.id })).previewReminders;
    expect(climbed.map((r: any) => r.stage)).toContain('OVERDUE-4');
    expect(climbed.filter((r: any) => r.recipientRole === 'SRMA').map((r: any) => r.recipient)).toEqual(['energy@doe.example']);

    // the organisation asks for both waiting OT milestones; a liaison grants, with a note
    const extensions = [];
    for (const key of ['KASPERSKY_REMOVED', 'REMOVAL_VERIFIED']) {
      const m = await ot(org.id, key);
      const requested = ok(
        await server.gql(
          REQUEST,
          { input: { milestoneId: m.id, justification: 'Turbine controllers change only in the spring outage.', requestedTargetAt: day(180) } },
          reporter.token,
        ),
      ).requestExtension;
      extensions.push(
        ok(
          await server.gql(
            GRANT,
            { input: { id: requested.id, version: requested.version, note: 'Six months; a status report every 90 days' } },
            liaison.token,
          ),
        ).grantExtension,
      );
    }
    expect(extensions[0]).toMatchObject({
      state: 'GRANTED',
      decidedBy: `credential:${liaison.id}`,
      decidedAt: day(-30),
      decisionNote: 'Six months; a status report every 90 days',
      previousTargetAt: day(0),
      grantedTargetAt: day(180),
      expiresAt: day(180),
      statusReportedAt: null,
    });
    const shown = ok(
      await server.gql(`query($id: ID!) { organisation(id: $id) { extensions { state decidedBy decisionNote grantedTargetAt } } }`, { id: org.id }),
    ).organisation.extensions;
    expect(shown).toEqual(
      [0, 1].map(() => ({
        state: 'GRANTED',
        decidedBy: `credential:${liaison.id}`,
        decisionNote: 'Six months; a status report every 90 days',
        grantedTargetAt: day(180),
      })),
    );
    expect(await ot(org.id, 'KASPERSKY_REMOVED')).toMatchObject({
      targetAt: day(180),
      judgedTargetAt: day(180),
      extensionStanding: 'EXTENDED',
      extensionExpiresAt: day(180),
      extensionLapsesTo: day(0),
      extensionReportDueAt: day(60),
    });
    const [{ n: extendEvents }] = await server.sql(
      `SELECT count(*)::int AS n FROM audit_event WHERE organisation_id = $1 AND entity_type = 'milestone' AND action = 'extend'`,
      [org.id],
    );
    expect(extendEvents).toBe(2);

    // a month past the cutoff: judged against the extended target, nothing due, nobody reminded
    await setNow(day(25));
    const report = ok(
      await server.gql(
        REPORT,
        { input: { id: extensions[0].id, version: extensions[0].version, report: 'Outage booked for March; replacement certified by the vendor.' } },
        reporter.token,
      ),
    ).reportExtensionStatus;
    expect(report).toMatchObject({
      statusReportedAt: day(25),
      statusReportedBy: `credential:${reporter.id}`,
      statusReport: 'Outage booked for March; replacement certified by the vendor.',
    });
    ok(
      await server.gql(
        REPORT,
        { input: { id: extensions[1].id, version: extensions[1].version, report: 'Verification follows the removal in the outage.' } },
        reporter.token,
      ),
    );
    expect((await ot(org.id, 'KASPERSKY_REMOVED')).extensionReportDueAt).toBe(day(115));
    // a self-report of an extended milestone keeps its extension (the report path reads the milestone's extension instants)
    const removal = await ot(org.id, 'KASPERSKY_REMOVED');
    const reported = ok(
      await server.gql(
        'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { milestones { key track state } } }',
        {
          input: {
            organisationId: org.id,
            milestones: [{ id: removal.id, version: removal.version, state: 'IN_PROGRESS', evidence: 'Outage work order WO-1182' }],
          },
        },
        reporter.token,
      ),
    ).submitSelfReport;
    expect(reported.milestones).toEqual([{ key: 'KASPERSKY_REMOVED', track: 'OT', state: 'IN_PROGRESS' }]);
    expect(await ot(org.id, 'KASPERSKY_REMOVED')).toMatchObject({ extensionStanding: 'EXTENDED', judgedTargetAt: day(180), extensionReportDueAt: day(115) });
    // the change path stored the status it derived at the report
    const [stored] = await server.sql('SELECT status, reasons FROM organisation_status WHERE organisation_id = $1', [org.id]);
    expect(stored.status).toBe('ON_TRACK');
    expect(stored.reasons.map((r: any) => r.code)).toEqual(['UNDER_EXTENSION', 'UNDER_EXTENSION']);
    const extended = await status(org.id, day(30));
    expect(extended.status).toBe('ON_TRACK');
    expect(extended.reasons).toContainEqual({
      code: 'UNDER_EXTENSION',
      milestoneKey: 'KASPERSKY_REMOVED',
      track: 'OT',
      message: `OT KASPERSKY_REMOVED is extended to ${day(180)} until ${day(180)}`,
    });
    expect(extended.reasons.map((r) => r.code)).not.toContain('PAST_CUTOFF');
    expect(ok(await server.gql(PREVIEW, { at: day(30), id: org.id })).previewReminders).toEqual([]);
    const state = ok(await server.gql('query($id: ID!) { reminderState(organisationId: $id) { currentLevel } }', { id: org.id })).reminderState;
    expect(state.currentLevel).toBe(1);

    // the status report comes due like any other date: reminded before, and its absence makes the organisation stale
    const dueSoon = ok(await server.gql(PREVIEW, { at: day(110), id: org.id })).previewReminders;
    expect(dueSoon.length).toBeGreaterThan(0);
    expect(dueSoon.every((r: any) => r.recipientRole !== 'SRMA' && r.recipientRole !== 'CISA_REGION')).toBe(true);
    expect(dueSoon[0].payload.milestones).toContainEqual(
      expect.objectContaining({
        name: 'Status report on the extension of Kaspersky removed from every asset',
        track: 'OT',
        targetAt: day(115),
        dueKind: 'DUE_SOON',
      }),
    );
    const missing = await status(org.id, day(116));
    expect(missing.reasons.map((r) => r.code)).toContain('EXTENSION_REPORT_MISSING');
    expect(missing.status).toBe('NOT_REPORTING');
    const overdueReport = ok(await server.gql(PREVIEW, { at: day(116), id: org.id })).previewReminders;
    expect(overdueReport[0].payload.milestones).toContainEqual(expect.objectContaining({ targetAt: day(115), dueKind: 'OVERDUE' }));

    // the extension expires: the milestones lapse back to the cutoff target, say so, and climb again
    await setNow(day(181));
    expect(await ot(org.id, 'KASPERSKY_REMOVED')).toMatchObject({
      targetAt: day(180),
      judgedTargetAt: day(0),
      extensionStanding: 'LAPSED',
      extensionReportDueAt: null,
    });
    const lapsed = await status(org.id);
    expect(lapsed.status).toBe('OVERDUE');
    expect(lapsed.reasons).toContainEqual({
      code: 'EXTENSION_LAPSED',
      milestoneKey: 'KASPERSKY_REMOVED',
      track: 'OT',
      message: `OT KASPERSKY_REMOVED: its extension to ${day(180)} lapsed at ${day(180)}; it is judged against its target before the extension, ${day(0)}`,
    });
    expect(lapsed.reasons.map((r) => r.code)).toContain('PAST_CUTOFF');
    const again = ok(await server.gql(PREVIEW, { at: day(181), id: org.id })).previewReminders;
    expect(again.filter((r: any) => r.recipientRole === 'SRMA').map((r: any) => r.recipient)).toEqual(['energy@doe.example']);
    const late = await server.gql(REPORT, { input: { id: report.id, version: report.version, report: 'Too late for this one.' } }, reporter.token);
    expect([errorCode(late), field(late)]).toEqual(['CONFLICT', 'id']);
    expect(late.errors![0].message).toContain(`lapsed at ${day(180)}`);
    // the next change stores the lapse with the status (the hourly refresh does the same as time passes)
    const lapsedRemoval = await ot(org.id, 'KASPERSKY_REMOVED');
    ok(
      await server.gql(
        'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
        {
          input: {
            organisationId: org.id,
            milestones: [{ id: lapsedRemoval.id, version: lapsedRemoval.version, state: 'IN_PROGRESS', evidence: 'Outage slipped' }],
          },
        },
        reporter.token,
      ),
    );
    const [storedLapse] = await server.sql('SELECT status, reasons, milestones_overdue FROM organisation_status WHERE organisation_id = $1', [org.id]);
    expect(storedLapse.status).toBe('OVERDUE');
    expect(storedLapse.reasons).toContainEqual({ code: 'EXTENSION_LAPSED', milestoneKey: 'KASPERSKY_REMOVED', track: 'OT' });
    expect(storedLapse.milestones_overdue).toBe(2);
  });
});
