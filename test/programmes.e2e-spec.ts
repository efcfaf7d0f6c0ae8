import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { newOrganisation, newToken } from './support/factories';
import { errorCode, ok, startServer, TestServer } from './support/server';

/** The seeded programme's T-7, a Sunday afternoon in Washington. */
const NOW = '2024-09-22T15:00:00.000Z';
const ROOT = join(__dirname, '..');

/** A made-up second programme: another vendor, another cutoff, another plan, other thresholds and words. */
const ACME = {
  key: 'acme-av-2025',
  name: 'Acme AV 2025',
  regulation: 'A made-up determination for the test',
  announced: '2024-06-01',
  newBusinessCutoff: '2024-12-01T05:00:00Z',
  updatesCutoff: '2025-03-01T05:00:00Z',
  staleReportDays: 45,
  milestonePlan: [
    { key: 'ASSETS_FOUND', name: 'Assets found', itOffsetDays: -120, otOffsetDays: -120 },
    { key: 'ACME_UNINSTALLED', name: 'Acme AV uninstalled', itOffsetDays: -10, otOffsetDays: 0 },
    { key: 'UNINSTALL_CONFIRMED', name: 'Uninstall confirmed', itOffsetDays: 0, otOffsetDays: 0 },
  ],
  reminderLadder: { stagesDaysBeforeCutoff: [180, 30, 7], overdueEveryDays: 14, milestoneDueSoonDays: 10, acknowledgePauseDays: 5, snoozeMaxDays: 10 },
  rules: {
    inventoryMilestoneKey: 'ASSETS_FOUND',
    removalVerifiedMilestoneKey: 'UNINSTALL_CONFIRMED',
    dueSoonDays: 21,
    cutoffNearDays: 45,
    laggingShare: 0.25,
    escalation: { executivesDays: 30, liaisonDays: 7, agencyDaysAfter: 30 },
  },
  wording: { product: 'Acme AV', consequence: 'After it Acme AV receives no signature updates.' },
  products: [{ code: 'ACME_AV_ENDPOINT', name: 'Acme AV Endpoint', family: 'Endpoint', kind: 'CATALOGUE' }],
};

const CREATE = `mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) {
  id key version updatesCutoff rules { removalVerifiedMilestoneKey dueSoonDays escalation { executivesDays } } wording { product } milestonePlan { key } } }`;
const ORG = `query($id: ID!, $p: ID) { organisation(id: $id) {
  milestones(programmeId: $p) { key targetAt } footprint(programmeId: $p) { product { code } endpointCount }
  status(programmeId: $p) { status reasons { code milestoneKey } } } }`;
const ADD = `mutation($input: AddFootprintInput!) { addFootprint(input: $input) { id product { code } } }`;

describe('programmes as data: a second programme beside the seeded one', () => {
  let server: TestServer;
  let seeded: string;
  let acme: any;
  let org: any;

  beforeAll(async () => {
    server = await startServer({ now: NOW });
    seeded = ok(await server.gql('{ programme { id key } }')).programme.id;
  });
  afterAll(() => server?.stop());

  it('lets an admin create a programme with its plan, ladder, rules, wording and catalogue, audited; checks it; refuses others', async () => {
    const bad = await server.gql(CREATE, { input: { ...ACME, key: 'acme-bad', rules: { ...ACME.rules, removalVerifiedMilestoneKey: 'NOT_IN_PLAN' } } });
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.fields).toContainEqual(expect.objectContaining({ field: 'rules.removalVerifiedMilestoneKey' }));
    const liaison = await newToken(server, { role: 'liaison', sectors: ['WATER'] });
    expect(errorCode(await server.gql(CREATE, { input: ACME }, liaison.token))).toBe('FORBIDDEN');
    expect((await server.sql(`SELECT count(*)::int AS n FROM programme`))[0].n).toBe(1);

    acme = ok(await server.gql(CREATE, { input: ACME })).createProgramme;
    expect(acme).toMatchObject({ key: 'acme-av-2025', version: 1, updatesCutoff: '2025-03-01T05:00:00.000Z', wording: { product: 'Acme AV' } });
    expect(acme.milestonePlan.map((m: { key: string }) => m.key)).toEqual(['ASSETS_FOUND', 'ACME_UNINSTALLED', 'UNINSTALL_CONFIRMED']);
    expect(errorCode(await server.gql(CREATE, { input: ACME }))).toBe('CONFLICT');
    const [event] = await server.sql(`SELECT actor_role, after FROM audit_event WHERE entity_type = 'programme' AND entity_id = $1 AND action = 'create'`, [
      acme.id,
    ]);
    expect(event).toMatchObject({ actor_role: 'admin', after: expect.objectContaining({ key: 'acme-av-2025' }) });

    // an edit at the version read, audited field by field; a stale version is a CONFLICT
    const update = `mutation($input: UpdateProgrammeInput!) { updateProgramme(input: $input) { version staleReportDays } }`;
    expect(ok(await server.gql(update, { input: { id: acme.id, version: 1, staleReportDays: 40 } })).updateProgramme).toEqual({
      version: 2,
      staleReportDays: 40,
    });
    expect(errorCode(await server.gql(update, { input: { id: acme.id, version: 1, staleReportDays: 41 } }))).toBe('CONFLICT');
    const [edit] = await server.sql(`SELECT before, after FROM audit_event WHERE entity_type = 'programme' AND entity_id = $1 AND action = 'update'`, [
      acme.id,
    ]);
    expect(edit).toEqual({ before: { staleReportDays: 45 }, after: { staleReportDays: 40 } });
    // the catalogue is the programme's own
    const products = ok(await server.gql('query($p: ID) { products(programmeId: $p) { code } }', { p: acme.id })).products.map((p: { code: string }) => p.code);
    expect(products).toEqual(['ACME_AV_ENDPOINT']);
  });

  it('keeps one organisation in both programmes apart: plans, footprint, statuses, reminders, dashboards and exports', async () => {
    org = await newOrganisation(server, { name: 'Two Programme Water', programmeIds: [seeded, acme.id], criticalityTier: 3 });

    // footprint: each programme takes its own catalogue only
    expect(
      errorCode(
        await server.gql(ADD, { input: { organisationId: org.id, programmeId: acme.id, productCode: 'KES_ADVANCED', environment: 'IT', endpointCount: 5 } }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(ADD, { input: { organisationId: org.id, productCode: 'ACME_AV_ENDPOINT', environment: 'IT', endpointCount: 5 } }))).toBe(
      'BAD_USER_INPUT',
    );
    // reported by the organisation itself (a staff edit is not a report, and an organisation never reporting is NOT_REPORTING)
    const reporter = (await newToken(server, { role: 'reporter', organisationId: org.id })).token;
    ok(
      await server.gql(
        ADD,
        { input: { organisationId: org.id, programmeId: acme.id, productCode: 'ACME_AV_ENDPOINT', environment: 'IT', endpointCount: 300 } },
        reporter,
      ),
    );
    ok(await server.gql(ADD, { input: { organisationId: org.id, productCode: 'KES_ADVANCED', environment: 'IT', endpointCount: 40 } }, reporter));

    const inSeeded = ok(await server.gql(ORG, { id: org.id, p: seeded })).organisation;
    const inAcme = ok(await server.gql(ORG, { id: org.id, p: acme.id })).organisation;
    expect(inSeeded.milestones).toHaveLength(7);
    expect(inAcme.milestones.map((m: { key: string }) => m.key)).toEqual(['ASSETS_FOUND', 'ACME_UNINSTALLED', 'UNINSTALL_CONFIRMED']);
    expect(inAcme.milestones[0].targetAt).toBe('2024-11-01T05:00:00.000Z'); // 120 days before its own cutoff
    expect(inSeeded.footprint).toEqual([{ product: { code: 'KES_ADVANCED' }, endpointCount: 40 }]);
    expect(inAcme.footprint).toEqual([{ product: { code: 'ACME_AV_ENDPOINT' }, endpointCount: 300 }]);
    // T-7 in the seeded programme with milestones overdue; 160 days out in the other, nothing due within its 21 days
    expect(inSeeded.status.status).toBe('OVERDUE');
    expect(inAcme.status).toEqual({ status: 'ON_TRACK', reasons: [] });
    // its own due-soon window (21 days) decides, not the seeded programme's 14: 20 days before ASSETS_FOUND
    const early = ok(
      await server.gql(
        `query($id: ID!, $p: ID) { organisation(id: $id) { status(programmeId: $p, at: "2024-10-12T05:00:00Z") { status reasons { code milestoneKey } } } }`,
        { id: org.id, p: acme.id },
      ),
    );
    expect(early.organisation.status.reasons).toContainEqual({ code: 'MILESTONE_DUE_SOON', milestoneKey: 'ASSETS_FOUND' });
    const stored = await server.sql(
      `SELECT programme_id, status, endpoints_total FROM organisation_status WHERE organisation_id = $1 ORDER BY endpoints_total`,
      [org.id],
    );
    expect(stored).toEqual([
      { programme_id: seeded, status: 'OVERDUE', endpoints_total: '40' },
      { programme_id: acme.id, status: 'ON_TRACK', endpoints_total: '300' },
    ]);

    // reminders: each programme plans from its own ladder and names its own product
    const preview = `query($at: DateTime!, $o: ID, $p: ID) { previewReminders(at: $at, organisationId: $o, programmeId: $p) { stage subject payload } }`;
    const seededMessages = ok(await server.gql(preview, { at: NOW, o: org.id, p: seeded })).previewReminders;
    const acmeMessages = ok(await server.gql(preview, { at: NOW, o: org.id, p: acme.id })).previewReminders;
    expect(seededMessages.length).toBeGreaterThan(0);
    expect(acmeMessages.map((m: { stage: string }) => m.stage)).toContain('T-180');
    expect(acmeMessages.every((m: { subject: string; payload: any }) => m.payload.programme.name === 'Acme AV 2025' && !/Kaspersky/.test(m.subject))).toBe(
      true,
    );
    expect(acmeMessages.find((m: { stage: string }) => m.stage === 'T-180').subject).toMatch(/180 day\(s\) to the Acme AV cutoff/);
    expect(seededMessages.every((m: { payload: any }) => m.payload.programme.name === 'Kaspersky 2024')).toBe(true);

    // dashboards count each programme's own footprint
    const summary = `query($p: ID) { programmeSummary(programmeId: $p) { programmeId endpointsTotal updatesCutoff } }`;
    const acmeSummary = ok(await server.gql(summary, { p: acme.id })).programmeSummary;
    expect(acmeSummary).toEqual({ programmeId: acme.id, endpointsTotal: 300, updatesCutoff: '2025-03-01T05:00:00.000Z' });
    expect(ok(await server.gql(summary, { p: seeded })).programmeSummary.endpointsTotal).toBe(40);

    // exports: the programme's organisations with their status there
    const csv = async (path: string) => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminToken}` } })).text();
    const acmeCsv = await csv('/export/organisations.csv?programme=acme-av-2025');
    const seededCsv = await csv('/export/organisations.csv');
    const line = (text: string) => text.split('\r\n').find((l) => l.includes('Two Programme Water'))!;
    expect(line(acmeCsv)).toMatch(/,ON_TRACK,300,300,/);
    expect(line(seededCsv)).toMatch(/,OVERDUE,40,40,/);

    // an organisation in the seeded programme only stays out of the other one: planner, refresh, export
    const single = await newOrganisation(server, { name: 'Seeded Only Water' });
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    expect((await server.cli('status', 'refresh')).code).toBe(0);
    const planned = await server.sql(`SELECT DISTINCT programme_id FROM reminder_delivery WHERE organisation_id = $1`, [single.id]);
    expect(planned).toEqual([{ programme_id: seeded }]);
    expect(await server.sql(`SELECT programme_id FROM organisation_status WHERE organisation_id = $1`, [single.id])).toEqual([{ programme_id: seeded }]);
    const both = await server.sql(`SELECT DISTINCT programme_id FROM reminder_delivery WHERE organisation_id = $1 ORDER BY programme_id`, [org.id]);
    expect(both.map((r) => r.programme_id).sort()).toEqual([seeded, acme.id].sort());
    expect(await csv('/export/organisations.csv?programme=acme-av-2025')).not.toMatch(/Seeded Only Water/);
  });

  it('creates and edits a programme from a JSON file on the command line, with the same checks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'programme-'));
    const sample = JSON.parse(readFileSync(join(ROOT, 'docs/samples/programme.json'), 'utf8'));
    const file = join(dir, 'drill.json');
    writeFileSync(
      file,
      JSON.stringify({ ...sample, key: 'drill-2025', products: [{ code: 'DRILL_AV', name: 'Drill AV', family: 'Endpoint', kind: 'CATALOGUE' }] }),
    );
    const created = await server.cli('programmes', 'create', file);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created programme drill-2025 \(([0-9a-f-]{36})\) at version 1/);
    const id = /\(([0-9a-f-]{36})\)/.exec(created.stdout)![1];
    writeFileSync(file, JSON.stringify({ id, version: 1, rules: { ...sample.rules, removalVerifiedMilestoneKey: 'NOPE' } }));
    const refused = await server.cli('programmes', 'update', file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/rules\.removalVerifiedMilestoneKey/);
    writeFileSync(file, JSON.stringify({ id, version: 1, wording: { product: 'Drill AV', consequence: '' } }));
    expect((await server.cli('programmes', 'update', file)).stdout).toMatch(/updated programme drill-2025 .* at version 2/);
    const listed = await server.cli('programmes', 'list');
    expect(listed.stdout).toMatch(/drill-2025\s+v2\s+cutoff 2025-03-01T05:00:00.000Z/);
    expect((await server.sql(`SELECT count(*)::int AS n FROM audit_event WHERE entity_type = 'programme' AND entity_id = $1`, [id]))[0].n).toBe(2);
  });

  it('names no vendor and no cutoff in code outside reference data and seeds', () => {
    // reference data and the seeds that load it (the reference seed, the demo set) are where a programme's facts live
    const allowed = new Set(['libs/reference/reference-data.ts', 'libs/reference/seed-reference-data.ts', 'libs/demo/seed-demo.ts']);
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|js|html|css)$/.test(name) && !/\.spec\.ts$/.test(name)) {
          const rel = relative(ROOT, path);
          if (allowed.has(rel)) continue;
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((text, i) => {
              if (/kaspersky|2024-09-29|2024-07-20/i.test(text)) found.push(`${rel}:${i + 1}: ${text.trim().slice(0, 120)}`);
            });
        }
      }
    };
    for (const dir of ['libs', 'apps']) walk(join(ROOT, dir));
    expect(found).toEqual([]);
  });
});
