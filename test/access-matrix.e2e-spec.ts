import { milestonesOf, newFootprint, newOrganisation, newToken } from './support/factories';
import { errorCode, GqlResponse, ok, startServer, TestServer } from './support/server';

/**
 * Every query and mutation, as every kind of caller: in scope, out of scope, no token, an expired
 * token, a revoked token, a made-up token. Out-of-scope ids answer NOT_FOUND, exactly as ids that do
 * not exist, so a refusal never tells that something is there.
 */
type Outcome = 'OK' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'NOT_FOUND';
type Caller = 'admin' | 'liaisonIn' | 'liaisonOut' | 'reporterIn' | 'reporterOut' | 'viewer' | 'none' | 'expired' | 'revoked' | 'madeUp';
const CALLERS: Caller[] = ['admin', 'liaisonIn', 'liaisonOut', 'reporterIn', 'reporterOut', 'viewer', 'none', 'expired', 'revoked', 'madeUp'];
const UNAUTH = { none: 'UNAUTHENTICATED', expired: 'UNAUTHENTICATED', revoked: 'UNAUTHENTICATED', madeUp: 'UNAUTHENTICATED' } as const;

const PUBLIC: Record<Caller, Outcome> = {
  admin: 'OK',
  liaisonIn: 'OK',
  liaisonOut: 'OK',
  reporterIn: 'OK',
  reporterOut: 'OK',
  viewer: 'OK',
  none: 'OK',
  expired: 'OK',
  revoked: 'OK',
  madeUp: 'OK',
};
const ADMIN_ONLY: Record<Caller, Outcome> = {
  admin: 'OK',
  liaisonIn: 'FORBIDDEN',
  liaisonOut: 'FORBIDDEN',
  reporterIn: 'FORBIDDEN',
  reporterOut: 'FORBIDDEN',
  viewer: 'FORBIDDEN',
  ...UNAUTH,
};
const LIAISON_EDIT: Record<Caller, Outcome> = {
  admin: 'OK',
  liaisonIn: 'OK',
  liaisonOut: 'NOT_FOUND',
  reporterIn: 'FORBIDDEN',
  reporterOut: 'FORBIDDEN',
  viewer: 'FORBIDDEN',
  ...UNAUTH,
};
const AGGREGATES: Record<Caller, Outcome> = {
  admin: 'OK',
  liaisonIn: 'OK',
  liaisonOut: 'OK',
  reporterIn: 'FORBIDDEN',
  reporterOut: 'FORBIDDEN',
  viewer: 'OK',
  ...UNAUTH,
};
const SELF_REPORT: Record<Caller, Outcome> = {
  admin: 'OK',
  liaisonIn: 'OK',
  liaisonOut: 'NOT_FOUND',
  reporterIn: 'OK',
  reporterOut: 'NOT_FOUND',
  viewer: 'FORBIDDEN',
  ...UNAUTH,
};

interface Fixture {
  org: { id: string; version: number };
  footprint: { id: string; version: number };
  milestone: { id: string; version: number };
  doneMilestone: { id: string; version: number };
  extension: { id: string; version: number };
  grantedExtension: { id: string; version: number };
  credentialId: string;
  contactId: string;
  escalationContactId: string;
  programmeId: string;
}

interface Operation {
  name: string;
  expected: Record<Caller, Outcome>;
  query: string;
  variables: (f: Fixture) => Record<string, unknown>;
}

const OPERATIONS: Operation[] = [
  { name: 'sectors', expected: PUBLIC, query: '{ sectors { code } }', variables: () => ({}) },
  { name: 'states', expected: PUBLIC, query: '{ states { code } }', variables: () => ({}) },
  { name: 'products', expected: PUBLIC, query: '{ products { code } }', variables: () => ({}) },
  { name: 'programmes', expected: PUBLIC, query: '{ programmes { id updatesCutoff } }', variables: () => ({}) },
  { name: 'programme', expected: PUBLIC, query: '{ programme { id } }', variables: () => ({}) },
  { name: 'serverTime', expected: PUBLIC, query: '{ serverTime { now simulated } }', variables: () => ({}) },
  {
    name: 'organisations',
    expected: { admin: 'OK', liaisonIn: 'OK', liaisonOut: 'OK', reporterIn: 'FORBIDDEN', reporterOut: 'FORBIDDEN', viewer: 'FORBIDDEN', ...UNAUTH },
    query: '{ organisations { totalCount } }',
    variables: () => ({}),
  },
  {
    name: 'organisation',
    expected: SELF_REPORT,
    query: 'query($id: ID!) { organisation(id: $id) { id footprint { id } milestones { id } extensions { id } history { id } contacts { email } } }',
    variables: (f) => ({ id: f.org.id }),
  },
  { name: 'credentials', expected: ADMIN_ONLY, query: '{ credentials { id } }', variables: () => ({}) },
  {
    name: 'me',
    expected: { admin: 'OK', liaisonIn: 'OK', liaisonOut: 'OK', reporterIn: 'OK', reporterOut: 'OK', viewer: 'OK', ...UNAUTH },
    query: '{ me { id kind role organisation { id } programme { id } } }',
    variables: () => ({}),
  },
  {
    name: 'inviteContacts',
    expected: LIAISON_EDIT,
    query: 'mutation($id: ID!) { inviteContacts(organisationId: $id) { contactId } }',
    variables: (f) => ({ id: f.org.id }),
  },
  {
    name: 'sendContactLink',
    expected: LIAISON_EDIT,
    query: 'mutation($id: ID!) { sendContactLink(contactId: $id) { contactId } }',
    variables: (f) => ({ id: f.contactId }),
  },
  {
    name: 'rotateContactLinks',
    expected: LIAISON_EDIT,
    query: 'mutation($id: ID!) { rotateContactLinks(contactId: $id) { linkGeneration } }',
    variables: (f) => ({ id: f.contactId }),
  },
  {
    name: 'createOrganisation',
    expected: { admin: 'OK', liaisonIn: 'OK', liaisonOut: 'FORBIDDEN', reporterIn: 'FORBIDDEN', reporterOut: 'FORBIDDEN', viewer: 'FORBIDDEN', ...UNAUTH },
    query: 'mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }',
    variables: () => ({
      input: {
        externalKey: `M-${Math.random().toString(36).slice(2)}`,
        name: 'Matrix Water',
        primarySector: 'WATER',
        state: 'OR',
        sizeBand: 'SMALL',
        criticalityTier: 3,
      },
    }),
  },
  {
    name: 'updateOrganisation',
    expected: LIAISON_EDIT,
    query: 'mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.org.id, version: f.org.version, name: 'Renamed by the matrix' } }),
  },
  {
    name: 'archiveOrganisation',
    expected: LIAISON_EDIT,
    query: 'mutation($input: VersionedIdInput!) { archiveOrganisation(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.org.id, version: f.org.version } }),
  },
  {
    name: 'addFootprint',
    expected: SELF_REPORT,
    query: 'mutation($input: AddFootprintInput!) { addFootprint(input: $input) { id } }',
    variables: (f) => ({ input: { organisationId: f.org.id, productCode: 'KSOS', environment: 'IT', endpointCount: 3 } }),
  },
  {
    name: 'updateFootprint',
    expected: SELF_REPORT,
    query: 'mutation($input: UpdateFootprintInput!) { updateFootprint(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.footprint.id, version: f.footprint.version, endpointsRemaining: 1 } }),
  },
  {
    name: 'removeFootprint',
    expected: SELF_REPORT,
    query: 'mutation($input: VersionedIdInput!) { removeFootprint(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.footprint.id, version: f.footprint.version } }),
  },
  {
    name: 'verifyFootprint',
    expected: LIAISON_EDIT,
    query: 'mutation($input: VerifyFootprintInput!) { verifyFootprint(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.footprint.id, version: f.footprint.version, verifiedRemaining: 0 } }),
  },
  {
    name: 'updateMilestone',
    expected: SELF_REPORT,
    query: 'mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.milestone.id, version: f.milestone.version, state: 'IN_PROGRESS' } }),
  },
  {
    name: 'verifyMilestone',
    expected: LIAISON_EDIT,
    query: 'mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.doneMilestone.id, version: f.doneMilestone.version } }),
  },
  {
    name: 'requestExtension',
    expected: SELF_REPORT,
    query: 'mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id } }',
    variables: (f) => ({ input: { milestoneId: f.milestone.id, justification: 'Maintenance window in winter.', requestedTargetAt: '2025-01-01T00:00:00Z' } }),
  },
  {
    name: 'grantExtension',
    expected: LIAISON_EDIT,
    query: 'mutation($input: GrantExtensionInput!) { grantExtension(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.extension.id, version: f.extension.version } }),
  },
  {
    name: 'reportExtensionStatus',
    expected: SELF_REPORT,
    query: 'mutation($input: ExtensionStatusReportInput!) { reportExtensionStatus(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.grantedExtension.id, version: f.grantedExtension.version, report: 'Outage booked; parts on site.' } }),
  },
  {
    name: 'denyExtension',
    expected: LIAISON_EDIT,
    query: 'mutation($input: DenyExtensionInput!) { denyExtension(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.extension.id, version: f.extension.version, note: 'Not justified' } }),
  },
  {
    name: 'submitSelfReport',
    expected: SELF_REPORT,
    query: 'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
    variables: (f) => ({ input: { organisationId: f.org.id, footprint: [{ id: f.footprint.id, version: f.footprint.version, endpointsRemaining: 0 }] } }),
  },
  {
    name: 'createCredential',
    expected: ADMIN_ONLY,
    query: 'mutation($input: CreateCredentialInput!) { createCredential(input: $input) { token } }',
    variables: () => ({ input: { role: 'VIEWER', label: 'matrix viewer' } }),
  },
  {
    name: 'createProgramme',
    expected: ADMIN_ONLY,
    query: 'mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { id } }',
    variables: () => ({
      input: {
        key: `matrix-${Math.random().toString(36).slice(2, 10)}`,
        name: 'Matrix programme',
        regulation: 'none',
        announced: '2024-01-01',
        newBusinessCutoff: '2024-06-01T00:00:00Z',
        updatesCutoff: '2025-01-01T00:00:00Z',
        staleReportDays: 30,
        milestonePlan: [
          { key: 'FOUND', name: 'Found', itOffsetDays: -30, otOffsetDays: -30 },
          { key: 'GONE', name: 'Gone', itOffsetDays: 0, otOffsetDays: 0 },
        ],
        reminderLadder: { stagesDaysBeforeCutoff: [30, 7], overdueEveryDays: 7, milestoneDueSoonDays: 7, acknowledgePauseDays: 7, snoozeMaxDays: 14 },
        rules: {
          inventoryMilestoneKey: 'FOUND',
          removalVerifiedMilestoneKey: 'GONE',
          dueSoonDays: 14,
          cutoffNearDays: 30,
          laggingShare: 0.5,
          escalation: { executivesDays: 7, liaisonDays: 1, agencyDaysAfter: 14 },
        },
        wording: { product: 'Matrix AV', consequence: '' },
      },
    }),
  },
  {
    // from an instant long after the clock: no other check here sees the sector's new agency
    name: 'changeSectorAgency',
    expected: ADMIN_ONLY,
    query: 'mutation($input: ChangeSectorAgencyInput!) { changeSectorAgency(input: $input) { code srma } }',
    variables: () => ({ input: { code: 'WATER', srma: `Matrix Agency ${Math.random().toString(36).slice(2, 8)}`, from: '2030-01-01T00:00:00Z' } }),
  },
  {
    // an edit that changes nothing: the admin gets the programme back at its version
    name: 'updateProgramme',
    expected: ADMIN_ONLY,
    query: 'mutation($input: UpdateProgrammeInput!) { updateProgramme(input: $input) { id } }',
    variables: (f) => ({ input: { id: f.programmeId, version: 1, staleReportDays: 30 } }),
  },
  {
    name: 'revokeCredential',
    expected: ADMIN_ONLY,
    query: 'mutation($id: ID!) { revokeCredential(id: $id) { id } }',
    variables: (f) => ({ id: f.credentialId }),
  },
  {
    name: 'reminderState',
    expected: SELF_REPORT,
    query: 'query($id: ID!) { reminderState(organisationId: $id) { currentLevel } }',
    variables: (f) => ({ id: f.org.id }),
  },
  {
    name: 'acknowledgeReminders',
    expected: SELF_REPORT,
    query: 'mutation($id: ID!) { acknowledgeReminders(organisationId: $id) { acknowledgedLevel } }',
    variables: (f) => ({ id: f.org.id }),
  },
  {
    name: 'snoozeReminders',
    expected: SELF_REPORT,
    query: 'mutation($input: SnoozeRemindersInput!) { snoozeReminders(input: $input) { snoozedUntil } }',
    variables: (f) => ({ input: { organisationId: f.org.id, until: '2024-08-05T00:00:00Z' } }),
  },
  {
    name: 'updateNotificationPreference',
    expected: SELF_REPORT,
    query: 'mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { contactId } }',
    variables: (f) => ({ input: { contactId: f.contactId, businessHoursStart: 8 } }),
  },
  {
    name: 'rotateWebhookSecret',
    expected: SELF_REPORT,
    query: 'mutation($id: ID!) { rotateWebhookSecret(contactId: $id) { issuedAt } }',
    variables: (f) => ({ id: f.contactId }),
  },
  {
    name: 'rotateEscalationWebhookSecret',
    expected: ADMIN_ONLY,
    query: 'mutation($id: ID!) { rotateEscalationWebhookSecret(escalationContactId: $id) { issuedAt } }',
    variables: (f) => ({ id: f.escalationContactId }),
  },
  {
    name: 'previewReminders',
    expected: LIAISON_EDIT,
    query: 'query($id: ID) { previewReminders(at: "2024-09-22T15:00:00Z", organisationId: $id) { recipient level } }',
    variables: (f) => ({ id: f.org.id }),
  },
  { name: 'runReminderPlanner', expected: ADMIN_ONLY, query: 'mutation { runReminderPlanner { planned } }', variables: () => ({}) },
  { name: 'escalationContacts', expected: ADMIN_ONLY, query: '{ escalationContacts { id } }', variables: () => ({}) },
  {
    name: 'addEscalationContact',
    expected: ADMIN_ONLY,
    query: 'mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id } }',
    variables: () => ({ input: { kind: 'SECTOR_LIAISON', sector: 'WATER', name: 'Matrix liaison', email: 'matrix@cisa.example' } }),
  },
  {
    name: 'removeEscalationContact',
    expected: ADMIN_ONLY,
    query: 'mutation($id: ID!) { removeEscalationContact(id: $id) }',
    variables: (f) => ({ id: f.escalationContactId }),
  },
  { name: 'programmeSummary', expected: AGGREGATES, query: '{ programmeSummary { organisations } }', variables: () => ({}) },
  { name: 'breakdown', expected: AGGREGATES, query: '{ breakdown(by: SECTOR) { key organisations } }', variables: () => ({}) },
  { name: 'burndown', expected: AGGREGATES, query: '{ burndown { pacePerDay } }', variables: () => ({}) },
  { name: 'reminderFigures', expected: AGGREGATES, query: '{ reminderFigures { day } }', variables: () => ({}) },
  {
    name: 'atRisk',
    expected: { admin: 'OK', liaisonIn: 'OK', liaisonOut: 'OK', reporterIn: 'FORBIDDEN', reporterOut: 'FORBIDDEN', viewer: 'FORBIDDEN', ...UNAUTH },
    query: '{ atRisk { totalCount edges { node { organisation { id } } } } }',
    variables: () => ({}),
  },
  {
    name: 'workQueue',
    expected: { admin: 'OK', liaisonIn: 'OK', liaisonOut: 'OK', reporterIn: 'FORBIDDEN', reporterOut: 'FORBIDDEN', viewer: 'FORBIDDEN', ...UNAUTH },
    query: '{ workQueue { totalCount items { kind organisation { id } milestone { id } extension { id } contact { email } delivery { recipient } } } }',
    variables: () => ({}),
  },
  { name: 'takeDashboardSnapshot', expected: ADMIN_ONLY, query: 'mutation { takeDashboardSnapshot }', variables: () => ({}) },
  {
    name: 'backfillSnapshots',
    expected: ADMIN_ONLY,
    query: 'mutation { backfillSnapshots(from: "2024-07-01T00:00:00Z", to: "2024-07-02T00:00:00Z") }',
    variables: () => ({}),
  },
  {
    name: 'setSimulatedTime',
    expected: ADMIN_ONLY,
    query: 'mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }',
    variables: () => ({ at: '2024-08-01T00:10:00Z' }), // the instant the clock already shows: the expired token stays expired
  },
];

describe('who may do what: every operation as every caller', () => {
  let server: TestServer;
  const tokens: Partial<Record<Caller, string | null>> = {};
  let reporterOutOrg: string;

  async function fixture(): Promise<{ f: Fixture; reporterIn: string }> {
    const org = await newOrganisation(server, { primarySector: 'WATER' });
    const footprint = await newFootprint(server, org.id);
    const [first, second] = await milestonesOf(server, org.id);
    const done = ok(
      await server.gql('mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { id version } }', {
        input: { id: second.id, version: second.version, state: 'DONE' },
      }),
    ).updateMilestone;
    const milestones = await milestonesOf(server, org.id);
    const third = milestones[2];
    const extension = ok(
      await server.gql('mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id version } }', {
        input: { milestoneId: third.id, justification: 'Waiting for the vendor.', requestedTargetAt: '2025-01-01T00:00:00Z' },
      }),
    ).requestExtension;
    const pilot = ok(
      await server.gql('mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id version } }', {
        input: { milestoneId: milestones[3].id, justification: 'Pilot waits for the vendor.', requestedTargetAt: '2025-01-01T00:00:00Z' },
      }),
    ).requestExtension;
    const grantedExtension = ok(
      await server.gql('mutation($input: GrantExtensionInput!) { grantExtension(input: $input) { id version } }', {
        input: { id: pilot.id, version: pilot.version },
      }),
    ).grantExtension;
    const reporter = await newToken(server, { role: 'reporter', organisationId: org.id });
    const spare = await newToken(server, { role: 'viewer', label: 'to revoke' });
    const contacts = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id } } }', { id: org.id })).organisation.contacts;
    // webhooks, whose secrets the rotations rotate
    ok(
      await server.gql('mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { contactId } }', {
        input: { contactId: contacts[0].id, webhookUrl: 'https://hooks.example/matrix' },
      }),
    );
    const escalation = ok(
      await server.gql('mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id } }', {
        input: { kind: 'SRMA', sector: 'WATER', name: 'EPA fixture', email: 'fixture@epa.example', webhookUrl: 'https://hooks.example/epa' },
      }),
    ).addEscalationContact;
    return {
      f: {
        org: { id: org.id, version: 1 },
        footprint: { id: footprint.id, version: footprint.version },
        milestone: { id: first.id, version: first.version },
        doneMilestone: done,
        extension,
        grantedExtension,
        credentialId: spare.id,
        contactId: contacts[0].id,
        escalationContactId: escalation.id,
        programmeId: ok(await server.gql('{ programme { id } }')).programme.id,
      },
      reporterIn: reporter.token,
    };
  }

  beforeAll(async () => {
    server = await startServer({ now: '2024-08-01T00:00:00Z' });
    tokens.admin = server.adminToken;
    tokens.liaisonIn = (await newToken(server, { role: 'liaison', sectors: ['WATER', 'DAMS'] })).token;
    tokens.liaisonOut = (await newToken(server, { role: 'liaison', sectors: ['ENERGY'] })).token;
    const other = await newOrganisation(server, { primarySector: 'WATER', name: 'Reporter B Water' });
    reporterOutOrg = other.id;
    tokens.reporterOut = (await newToken(server, { role: 'reporter', organisationId: other.id })).token;
    tokens.viewer = (await newToken(server, { role: 'viewer' })).token;
    tokens.none = null;
    tokens.expired = (await newToken(server, { role: 'admin', expiresAt: '2024-08-01T00:05:00Z' })).token;
    const revoked = await newToken(server, { role: 'admin' });
    ok(await server.gql('mutation($id: ID!) { revokeCredential(id: $id) { id } }', { id: revoked.id }));
    tokens.revoked = revoked.token;
    tokens.madeUp = 'ktt_thisTokenWasNeverIssuedByTheServerAtAll_0000000000';
    // the expired token was valid until 00:05; the clock moves past it
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: '2024-08-01T00:10:00Z' }));
  });
  afterAll(() => server?.stop());

  const outcome = (response: GqlResponse): Outcome => (response.errors ? (errorCode(response) as Outcome) : 'OK');

  for (const operation of OPERATIONS) {
    it(`${operation.name}`, async () => {
      const seen: Record<string, Outcome> = {};
      for (const caller of CALLERS) {
        const { f, reporterIn } = await fixture();
        const token = caller === 'reporterIn' ? reporterIn : tokens[caller]!;
        const response = await server.gql(operation.query, operation.variables(f), token);
        seen[caller] = outcome(response);
        if (seen[caller] !== 'OK') expect(response.data === null || Object.values(response.data ?? {}).every((v) => v === null)).toBe(true);
      }
      expect(seen).toEqual(operation.expected);
    });
  }

  it('covers every operation in the schema', async () => {
    const schema = ok(await server.gql('{ __schema { queryType { fields { name } } mutationType { fields { name } } } }'));
    const names = [...schema.__schema.queryType.fields, ...schema.__schema.mutationType.fields].map((f: { name: string }) => f.name).sort();
    expect(names).toEqual(OPERATIONS.map((o) => o.name).sort());
  });

  describe('scope holds through lists, nested fields, filters, sorting and totals', () => {
    it('a liaison sees only organisations whose primary or secondary sector is theirs', async () => {
      const both = await newOrganisation(server, { primarySector: 'WATER', secondarySectors: ['ENERGY'], name: 'Shared Sector Utility' });
      const list = `query($f: OrganisationFilter) { organisations(first: 500, filter: $f, orderBy: { field: NAME }) { totalCount edges { node { id primarySector { code } secondarySectors { code } footprint { organisationId } milestones { organisationId } } } } }`;
      const seen = ok(await server.gql(list, {}, tokens.liaisonOut!)).organisations;
      const [{ n }] = await server.sql(
        `SELECT count(*)::int AS n FROM organisation WHERE archived_at IS NULL AND (primary_sector_code = 'ENERGY' OR 'ENERGY' = ANY(secondary_sector_codes))`,
      );
      expect(seen.totalCount).toBe(n);
      expect(seen.edges.map((e: any) => e.node.id)).toContain(both.id);
      for (const { node } of seen.edges) {
        expect([node.primarySector.code, ...node.secondarySectors.map((s: any) => s.code)]).toContain('ENERGY');
        for (const nested of [...node.footprint, ...node.milestones]) expect(nested.organisationId).toBe(node.id);
      }
      const water = ok(await server.gql(list, { f: { sector: 'WATER' } }, tokens.liaisonOut!)).organisations;
      expect(water.edges.map((e: any) => e.node.id)).toEqual([both.id]);
      const byName = ok(await server.gql(list, { f: { search: 'Reporter B Water' } }, tokens.liaisonOut!)).organisations;
      expect(byName.totalCount).toBe(0);
    });

    it("a liaison's aggregates and at-risk list count only its sectors", async () => {
      const summary = ok(
        await server.gql(
          '{ programmeSummary { organisations } atRisk(first: 200) { totalCount edges { node { organisation { primarySector { code } secondarySectors { code } } } } } }',
          {},
          tokens.liaisonOut!,
        ),
      );
      const [{ n }] = await server.sql(
        `SELECT count(*)::int AS n FROM organisation WHERE archived_at IS NULL AND (primary_sector_code = 'ENERGY' OR 'ENERGY' = ANY(secondary_sector_codes))`,
      );
      expect(summary.programmeSummary.organisations).toBe(n);
      for (const { node: e } of summary.atRisk.edges)
        expect([e.organisation.primarySector.code, ...e.organisation.secondarySectors.map((s: any) => s.code)]).toContain('ENERGY');
    });

    it('a reporter of organisation A can do nothing to organisation B by any route', async () => {
      const { f: a, reporterIn: tokenA } = await fixture();
      const b = (await fixture()).f;
      const asA = (query: string, variables: Record<string, unknown>) => server.gql(query, variables, tokenA);
      expect(outcome(await asA('query($id: ID!) { organisation(id: $id) { id } }', { id: b.org.id }))).toBe('NOT_FOUND');
      expect(outcome(await asA('query($id: ID!) { organisation(id: $id) { id } }', { id: a.org.id }))).toBe('OK');
      expect(outcome(await asA('{ organisations { totalCount } }', {}))).toBe('FORBIDDEN');
      const routes: Array<[string, Record<string, unknown>]> = [
        [
          'mutation($input: UpdateFootprintInput!) { updateFootprint(input: $input) { id } }',
          { input: { id: b.footprint.id, version: 1, endpointsRemaining: 0 } },
        ],
        ['mutation($input: VersionedIdInput!) { removeFootprint(input: $input) { id } }', { input: { id: b.footprint.id, version: 1 } }],
        [
          'mutation($input: AddFootprintInput!) { addFootprint(input: $input) { id } }',
          { input: { organisationId: b.org.id, productCode: 'KAV', environment: 'IT', endpointCount: 1 } },
        ],
        [
          'mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { id } }',
          { input: { id: b.milestone.id, version: b.milestone.version, state: 'DONE' } },
        ],
        [
          'mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id } }',
          { input: { milestoneId: b.milestone.id, justification: 'Not my organisation.', requestedTargetAt: '2025-01-01T00:00:00Z' } },
        ],
        [
          'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
          { input: { organisationId: b.org.id, footprint: [{ id: b.footprint.id, version: 1, endpointsRemaining: 0 }] } },
        ],
        [
          'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
          { input: { organisationId: a.org.id, footprint: [{ id: b.footprint.id, version: 1, endpointsRemaining: 0 }] } },
        ],
        [
          'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
          { input: { organisationId: a.org.id, milestones: [{ id: b.milestone.id, version: 1, state: 'DONE' }] } },
        ],
      ];
      const before = await server.sql(`SELECT count(*)::int AS n FROM audit_event WHERE organisation_id = $1`, [b.org.id]);
      for (const [query, variables] of routes) expect([query, outcome(await asA(query, variables))]).toEqual([query, 'NOT_FOUND']);
      for (const [query, variables] of [
        [
          'mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { id } }',
          { input: { id: b.doneMilestone.id, version: b.doneMilestone.version } },
        ],
        ['mutation($input: GrantExtensionInput!) { grantExtension(input: $input) { id } }', { input: { id: b.extension.id, version: 1 } }],
        ['mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { id } }', { input: { id: b.org.id, version: 1, name: 'Hijacked' } }],
      ] as Array<[string, Record<string, unknown>]>) {
        expect(outcome(await asA(query, variables))).toBe('FORBIDDEN');
      }
      expect(await server.sql(`SELECT count(*)::int AS n FROM audit_event WHERE organisation_id = $1`, [b.org.id])).toEqual(before);
      expect(reporterOutOrg).not.toBe(a.org.id);
    });

    it('records the acting credential and role on every change', async () => {
      const { f, reporterIn } = await fixture();
      ok(
        await server.gql(
          'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
          { input: { organisationId: f.org.id, footprint: [{ id: f.footprint.id, version: f.footprint.version, endpointsRemaining: 5 }] } },
          reporterIn,
        ),
      );
      const [event] = await server.sql(`SELECT actor, actor_role FROM audit_event WHERE organisation_id = $1 AND action = 'self-report'`, [f.org.id]);
      const [credential] = await server.sql(`SELECT id FROM api_credential WHERE organisation_id = $1 AND role = 'reporter'`, [f.org.id]);
      expect(event).toEqual({ actor: `credential:${credential.id}`, actor_role: 'reporter' });
    });

    it('stores tokens only as hashes', async () => {
      const { token, id } = await newToken(server, { role: 'viewer' });
      const [row] = await server.sql(`SELECT encode(token_hash, 'hex') AS hash, token_prefix FROM api_credential WHERE id = $1`, [id]);
      expect(row.hash).toHaveLength(64);
      expect(row.hash).not.toContain(token);
      const dump = JSON.stringify(await server.sql(`SELECT * FROM api_credential`));
      expect(dump).not.toContain(token);
    });
  });
});

describe('rate limiting per credential on mutations', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ now: '2024-08-01T00:00:00Z', env: { RATE_LIMIT_PER_MINUTE: '6', RATE_LIMIT_BURST: '3' } });
  });
  afterAll(() => server?.stop());

  it('refuses the mutation past the burst with TOO_MANY_REQUESTS, keeps other credentials and reads going', async () => {
    const viewerOf = (label: string) =>
      server.gql('mutation($input: CreateCredentialInput!) { createCredential(input: $input) { token } }', { input: { role: 'VIEWER', label } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await viewerOf(`v${i}`));
    expect(answers.slice(0, 3).every((a) => !a.errors)).toBe(true);
    expect(errorCode(answers[3])).toBe('TOO_MANY_REQUESTS');
    expect(answers[3].errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect((await server.sql(`SELECT count(*)::int AS n FROM api_credential WHERE label = 'v3'`))[0].n).toBe(0);
    expect(ok(await server.gql('{ credentials { id } }')).credentials.length).toBeGreaterThan(3);
  });
});
