import { auditCount, milestonesOf, newFootprint, newOrganisation, newToken, ORGANISATION_FIELDS } from './support/factories';
import { errorCode, ok, startServer, TestServer } from './support/server';

const NOW = '2024-08-01T12:00:00.000Z'; // T-58 days: inventory is overdue, selection due soon

describe('tracker core over GraphQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ now: NOW });
  });
  afterAll(() => server?.stop());

  describe('organisations', () => {
    it('creates an organisation with contacts, its IT milestone plan and a create event in its history', async () => {
      const org = await newOrganisation(server, { secondarySectors: ['ENERGY'] });
      expect(org).toMatchObject({
        version: 1,
        sizeBand: 'MEDIUM',
        criticalityTier: 2,
        lastReportedAt: null,
        archivedAt: null,
        primarySector: { code: 'WATER', srma: 'EPA' },
        secondarySectors: [{ code: 'ENERGY' }],
        state: { code: 'TX', region: 6 },
        region: 6,
      });
      expect(org.contacts).toEqual([
        expect.objectContaining({ role: 'PRIMARY', timeZone: 'America/Chicago' }),
        expect.objectContaining({ role: 'EXECUTIVE', timeZone: 'America/New_York' }),
      ]);
      const milestones = await milestonesOf(server, org.id);
      expect(milestones.map((m) => m.key)).toEqual([
        'INVENTORY_COMPLETE',
        'REPLACEMENT_SELECTED',
        'REPLACEMENT_PROCURED',
        'PILOT_DEPLOYED',
        'ROLLOUT',
        'KASPERSKY_REMOVED',
        'REMOVAL_VERIFIED',
      ]);
      expect(milestones.every((m) => m.track === 'IT' && m.state === 'NOT_STARTED')).toBe(true);
      expect(milestones.at(-1)!.targetAt).toBe('2024-09-29T04:00:00.000Z');
      const history = ok(
        await server.gql(`query($id: ID!) { organisation(id: $id) { history { action entityType actor actorRole occurredAt } } }`, { id: org.id }),
      );
      expect(history.organisation.history).toContainEqual(
        expect.objectContaining({ action: 'create', entityType: 'organisation', actorRole: 'admin', occurredAt: NOW }),
      );
      expect(history.organisation.history[0].actor).toMatch(/^credential:/);
    });

    it('updates with the version read, records the fields before and after, and refuses a stale version as CONFLICT', async () => {
      const org = await newOrganisation(server);
      const update = `mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { name version criticalityTier } }`;
      const first = ok(await server.gql(update, { input: { id: org.id, version: 1, name: 'Renamed Utility', criticalityTier: 1 } }));
      expect(first.updateOrganisation).toEqual({ name: 'Renamed Utility', version: 2, criticalityTier: 1 });
      const stale = await server.gql(update, { input: { id: org.id, version: 1, name: 'Lost Update' } });
      expect(errorCode(stale)).toBe('CONFLICT');
      expect(stale.errors![0].extensions).toMatchObject({ expectedVersion: 1, currentVersion: 2 });
      const [event] = await server.sql(`SELECT before, after FROM audit_event WHERE entity_id = $1 AND action = 'update'`, [org.id]);
      expect(event.before).toEqual({ name: org.name, criticalityTier: 2 });
      expect(event.after).toEqual({ name: 'Renamed Utility', criticalityTier: 1 });
      expect((await server.sql(`SELECT name FROM organisation WHERE id = $1`, [org.id]))[0].name).toBe('Renamed Utility');
    });

    it('edits contacts keeping those that stay, with their notification preferences', async () => {
      const org = await newOrganisation(server);
      const before = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id role email } } }', { id: org.id })).organisation.contacts;
      const primary = before.find((c: any) => c.role === 'PRIMARY');
      ok(
        await server.gql('mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { contactId } }', {
          input: { contactId: primary.id, webhookUrl: 'https://hooks.example/tracker', businessHoursStart: 8 },
        }),
      );
      ok(
        await server.gql('mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version } }', {
          input: {
            id: org.id,
            version: 1,
            contacts: [
              { role: 'PRIMARY', name: 'Pat Renamed', email: primary.email.toUpperCase(), timeZone: 'America/Denver' },
              { role: 'SECURITY_LEAD', name: 'Sid Security', email: 'sid@utility.example' },
            ],
          },
        }),
      );
      const after = ok(
        await server.gql(
          'query($id: ID!) { organisation(id: $id) { contacts { id role name timeZone notificationPreference { webhookUrl businessHoursStart } } } }',
          { id: org.id },
        ),
      ).organisation.contacts;
      expect(after).toEqual([
        {
          id: primary.id,
          role: 'PRIMARY',
          name: 'Pat Renamed',
          timeZone: 'America/Denver',
          notificationPreference: { webhookUrl: 'https://hooks.example/tracker', businessHoursStart: 8 },
        },
        expect.objectContaining({ role: 'SECURITY_LEAD', name: 'Sid Security' }),
      ]);
    });

    it('two writers with the same version: one wins, the other gets CONFLICT, nothing is lost silently', async () => {
      const org = await newOrganisation(server);
      const update = `mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { name version } }`;
      const [a, b] = await Promise.all([
        server.gql(update, { input: { id: org.id, version: 1, name: 'Writer A' } }),
        server.gql(update, { input: { id: org.id, version: 1, name: 'Writer B' } }),
      ]);
      const codes = [a, b].map((r) => (r.errors ? errorCode(r) : 'OK')).sort();
      expect(codes).toEqual(['CONFLICT', 'OK']);
      const winner = (a.errors ? b : a).data.updateOrganisation.name;
      expect((await server.sql(`SELECT name, version FROM organisation WHERE id = $1`, [org.id]))[0]).toEqual({ name: winner, version: 2 });
    });

    it('archives an organisation and hides it from lists unless asked', async () => {
      const org = await newOrganisation(server, { name: 'Archivable Dam District', primarySector: 'DAMS' });
      ok(await server.gql(`mutation($input: VersionedIdInput!) { archiveOrganisation(input: $input) { archivedAt } }`, { input: { id: org.id, version: 1 } }));
      const list = (includeArchived: boolean) =>
        server.gql(`query($f: OrganisationFilter) { organisations(filter: $f) { totalCount edges { node { id } } } }`, {
          f: { search: 'Archivable', includeArchived },
        });
      expect(ok(await list(false)).organisations.totalCount).toBe(0);
      expect(ok(await list(true)).organisations.totalCount).toBe(1);
    });
  });

  describe('validation: typed errors that change nothing', () => {
    const create = `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }`;
    const base = { externalKey: 'V-1', name: 'Validation Org', primarySector: 'ENERGY', state: 'OH', sizeBand: 'SMALL', criticalityTier: 3 };

    it.each([
      ['an unknown sector', { primarySector: 'SPACE' }, 'primarySector'],
      ['an unknown state', { state: 'ZZ' }, 'state'],
      ['a malformed e-mail', { contacts: [{ role: 'PRIMARY', name: 'X', email: 'not-an-email' }] }, 'contacts[0].email'],
      ['an unknown time zone', { contacts: [{ role: 'PRIMARY', name: 'X', email: 'x@y.example', timeZone: 'Mars/Olympus' }] }, 'contacts[0].timeZone'],
      ['a criticality tier of 9', { criticalityTier: 9 }, 'criticalityTier'],
    ])('refuses %s as BAD_USER_INPUT naming the field', async (_what, change, field) => {
      const before = await auditCount(server);
      const response = await server.gql(create, { input: { ...base, ...change } });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(response.status).toBeLessThan(500);
      expect(await auditCount(server)).toBe(before);
      expect(await server.sql(`SELECT 1 FROM organisation WHERE external_key = 'V-1'`)).toHaveLength(0);
    });

    it('refuses a duplicate external key as CONFLICT', async () => {
      const org = await newOrganisation(server);
      const response = await server.gql(create, { input: { ...base, externalKey: org.externalKey } });
      expect(errorCode(response)).toBe('CONFLICT');
      expect(response.errors![0].extensions!.field).toBe('externalKey');
    });

    it('refuses an enum value outside the schema as BAD_USER_INPUT', async () => {
      const response = await server.gql(create, { input: { ...base, sizeBand: 'HUGE' } });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
    });

    it.each([
      ['a negative count', { endpointCount: -1 }, 'endpointCount'],
      ['remaining above total', { endpointCount: 10, endpointsRemaining: 11 }, 'endpointsRemaining'],
      ['an unknown product', { productCode: 'KASPERSKY_QUANTUM' }, 'productCode'],
      ['a white-label engine without its vendor', { productCode: 'WHITE_LABEL', productName: 'Mail filter' }, 'vendor'],
      ['a malformed licence date', { licenceEnd: '2024-02-30' }, 'licenceEnd'],
    ])('refuses footprint with %s', async (_what, change, field) => {
      const org = await newOrganisation(server);
      const before = await auditCount(server);
      const input = { organisationId: org.id, productCode: 'KES_SELECT', environment: 'IT', endpointCount: 10, ...change };
      const response = await server.gql(`mutation($input: AddFootprintInput!) { addFootprint(input: $input) { id } }`, { input });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(await auditCount(server)).toBe(before);
      expect(await server.sql(`SELECT 1 FROM footprint WHERE organisation_id = $1`, [org.id])).toHaveLength(0);
    });

    it('refuses a malformed instant', async () => {
      const org = await newOrganisation(server);
      const [m] = await milestonesOf(server, org.id);
      const response = await server.gql(`mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id } }`, {
        input: { milestoneId: m.id, justification: 'Needs a maintenance window.', requestedTargetAt: '31/12/2024' },
      });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(await server.sql(`SELECT 1 FROM extension WHERE milestone_id = $1`, [m.id])).toHaveLength(0);
    });

    it('answers an unknown id as NOT_FOUND', async () => {
      const response = await server.gql(`query { organisation(id: "00000000-0000-4000-8000-000000000000") { id } }`);
      expect(errorCode(response)).toBe('NOT_FOUND');
    });
  });

  describe('footprint', () => {
    it('adds, updates and removes deployments; an OT deployment opens the OT track', async () => {
      const org = await newOrganisation(server, { primarySector: 'ENERGY' });
      const it1 = await newFootprint(server, org.id, { endpointCount: 120, endpointsRemaining: 100 });
      expect(it1).toMatchObject({ endpointCount: 120, endpointsRemaining: 100, environment: 'IT', product: { code: 'KES_ADVANCED' } });
      const ot = await newFootprint(server, org.id, { productCode: 'KICS_NODES', environment: 'OT', endpointCount: 12, updateChannel: 'OFFLINE' });
      expect(ot.endpointsRemaining).toBe(12);
      const wl = await newFootprint(server, org.id, {
        productCode: 'WHITE_LABEL',
        environment: 'MAIL_GATEWAY',
        productName: 'Edge mail filter',
        vendor: 'Example Networks',
        whiteLabelConfidence: 'SUSPECTED',
        endpointCount: 2,
      });
      const tracks = new Set((await milestonesOf(server, org.id)).map((m) => m.track));
      expect([...tracks].sort()).toEqual(['IT', 'OT']);

      const updated = ok(
        await server.gql(
          `mutation($input: UpdateFootprintInput!) { updateFootprint(input: $input) { endpointsRemaining version replacementProduct replacementChosenByOrganisation } }`,
          {
            input: {
              id: it1.id,
              version: it1.version,
              endpointsRemaining: 40,
              replacementProduct: 'Microsoft Defender for Endpoint',
              replacementChosenByOrganisation: true,
            },
          },
        ),
      );
      expect(updated.updateFootprint).toEqual({
        endpointsRemaining: 40,
        version: 2,
        replacementProduct: 'Microsoft Defender for Endpoint',
        replacementChosenByOrganisation: true,
      });
      const tooMany = await server.gql(`mutation($input: UpdateFootprintInput!) { updateFootprint(input: $input) { id } }`, {
        input: { id: it1.id, version: 2, endpointsRemaining: 121 },
      });
      expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');

      ok(await server.gql(`mutation($input: VersionedIdInput!) { removeFootprint(input: $input) { id } }`, { input: { id: wl.id, version: 1 } }));
      const left = ok(await server.gql(`query($id: ID!) { organisation(id: $id) { footprint { id } lastReportedAt } }`, { id: org.id }));
      expect(left.organisation.footprint.map((f: { id: string }) => f.id).sort()).toEqual([it1.id, ot.id].sort());
      // an admin's edits are not the organisation's report (issue 18): its report time stays unset
      expect(left.organisation.lastReportedAt).toBeNull();
      const actions = await server.sql(`SELECT action FROM audit_event WHERE entity_type = 'footprint' AND organisation_id = $1 ORDER BY id`, [org.id]);
      expect(actions.map((a) => a.action)).toEqual(['create', 'create', 'create', 'update', 'delete']);
    });
  });

  describe('milestones, verification and extensions', () => {
    it('a report clears no verification until the state changes; a liaison verifies only DONE', async () => {
      const org = await newOrganisation(server);
      const [inventory] = await milestonesOf(server, org.id);
      const update = `mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { state version verified reportedBy } }`;
      const verify = `mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { verified verifiedBy version } }`;
      expect(errorCode(await server.gql(verify, { input: { id: inventory.id, version: 1 } }))).toBe('BAD_USER_INPUT');
      const blocked = await server.gql(update, { input: { id: inventory.id, version: 1, state: 'BLOCKED' } });
      expect(errorCode(blocked)).toBe('BAD_USER_INPUT');
      const done = ok(await server.gql(update, { input: { id: inventory.id, version: 1, state: 'DONE', evidence: 'Asset register export attached' } }));
      expect(done.updateMilestone).toMatchObject({ state: 'DONE', version: 2, verified: false });
      const verified = ok(await server.gql(verify, { input: { id: inventory.id, version: 2 } }));
      expect(verified.verifyMilestone).toMatchObject({ verified: true, version: 3 });
      const reopened = ok(await server.gql(update, { input: { id: inventory.id, version: 3, state: 'IN_PROGRESS' } }));
      expect(reopened.updateMilestone.verified).toBe(false);
    });

    it('an extension is requested, granted by a liaison, and moves the target; a second open request is a CONFLICT', async () => {
      const org = await newOrganisation(server, { primarySector: 'ENERGY' });
      await newFootprint(server, org.id, { productCode: 'KICS_NETWORKS', environment: 'OT', endpointCount: 4 });
      const removal = (await milestonesOf(server, org.id)).find((m) => m.track === 'OT' && m.key === 'KASPERSKY_REMOVED')!;
      const request = `mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id state version } }`;
      const input = {
        milestoneId: removal.id,
        justification: 'Turbine controllers change only in the spring outage.',
        requestedTargetAt: '2025-03-29T04:00:00Z',
      };
      const requested = ok(await server.gql(request, { input })).requestExtension;
      expect(requested.state).toBe('REQUESTED');
      expect(errorCode(await server.gql(request, { input }))).toBe('CONFLICT');
      const granted = ok(
        await server.gql(`mutation($input: GrantExtensionInput!) { grantExtension(input: $input) { state grantedTargetAt expiresAt decidedBy } }`, {
          input: { id: requested.id, version: requested.version, note: 'Six months, status report every 90 days' },
        }),
      ).grantExtension;
      expect(granted).toMatchObject({ state: 'GRANTED', grantedTargetAt: '2025-03-29T04:00:00.000Z', expiresAt: '2025-03-29T04:00:00.000Z' });
      const after = (await milestonesOf(server, org.id)).find((m) => m.id === removal.id)!;
      expect(after.targetAt).toBe('2025-03-29T04:00:00.000Z');
      expect(after.originalTargetAt).toBe('2024-09-29T04:00:00.000Z');
      const extensions = ok(await server.gql(`query($id: ID!) { organisation(id: $id) { extensions { state justification } } }`, { id: org.id }));
      expect(extensions.organisation.extensions).toEqual([{ state: 'GRANTED', justification: input.justification }]);
    });
  });

  describe('self-report', () => {
    const submit = `mutation($input: SelfReportInput!) { submitSelfReport(input: $input) {
      organisation { lastReportedAt } footprint { id endpointsRemaining version } milestones { key state version } } }`;

    it('applies remaining counts and milestone states together, or nothing at all', async () => {
      const org = await newOrganisation(server);
      const f = await newFootprint(server, org.id, { endpointCount: 50 });
      const [inventory, selected] = await milestonesOf(server, org.id);
      const before = await auditCount(server);

      const bad = await server.gql(submit, {
        input: {
          organisationId: org.id,
          footprint: [{ id: f.id, version: f.version, endpointsRemaining: 20 }],
          milestones: [
            { id: inventory.id, version: 1, state: 'DONE' },
            { id: selected.id, version: 1, state: 'BLOCKED' },
          ],
        },
      });
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors![0].extensions!.fields).toEqual([{ field: 'milestones[1].blockedReason', message: 'is required when the state is BLOCKED' }]);
      expect((await server.sql(`SELECT endpoints_remaining FROM footprint WHERE id = $1`, [f.id]))[0].endpoints_remaining).toBe(50);
      expect((await server.sql(`SELECT state FROM milestone WHERE id = $1`, [inventory.id]))[0].state).toBe('NOT_STARTED');
      expect(await auditCount(server)).toBe(before);

      const stale = await server.gql(submit, { input: { organisationId: org.id, footprint: [{ id: f.id, version: 99, endpointsRemaining: 20 }] } });
      expect(errorCode(stale)).toBe('CONFLICT');

      // the organisation's own report (its reporter credential): its report time moves
      const reporter = (await newToken(server, { role: 'reporter', organisationId: org.id })).token;
      const good = ok(
        await server.gql(
          submit,
          {
            input: {
              organisationId: org.id,
              footprint: [{ id: f.id, version: f.version, endpointsRemaining: 20 }],
              milestones: [
                { id: inventory.id, version: 1, state: 'DONE', evidence: 'CMDB export' },
                { id: selected.id, version: 1, state: 'BLOCKED', blockedReason: 'Awaiting budget' },
              ],
            },
          },
          reporter,
        ),
      ).submitSelfReport;
      expect(good.organisation.lastReportedAt).toBe(NOW);
      expect(good.footprint).toEqual([{ id: f.id, endpointsRemaining: 20, version: f.version + 1 }]);
      expect(good.milestones.map((m: { state: string }) => m.state)).toEqual(['DONE', 'BLOCKED']);
      const events = await server.sql(`SELECT entity_type, action FROM audit_event WHERE organisation_id = $1 AND action = 'self-report'`, [org.id]);
      expect(events).toHaveLength(3);
    });

    it('cannot reach a footprint row of another organisation', async () => {
      const a = await newOrganisation(server);
      const b = await newOrganisation(server);
      const fb = await newFootprint(server, b.id);
      const response = await server.gql(submit, { input: { organisationId: a.id, footprint: [{ id: fb.id, version: 1, endpointsRemaining: 0 }] } });
      expect(errorCode(response)).toBe('NOT_FOUND');
      expect((await server.sql(`SELECT endpoints_remaining FROM footprint WHERE id = $1`, [fb.id]))[0].endpoints_remaining).toBe(100);
    });
  });

  describe('derived status around the cutoff', () => {
    it('moves from at risk to overdue to complete as the instant and the facts change', async () => {
      const org = await newOrganisation(server);
      const reporter = (await newToken(server, { role: 'reporter', organisationId: org.id })).token;
      const f = await newFootprint(server, org.id, { endpointCount: 10 }, reporter);
      const query = `query($id: ID!, $at: DateTime) { organisation(id: $id) { status(at: $at) { status asOf reasons { code milestoneKey } } } }`;
      const statusAt = async (at?: string) => ok(await server.gql(query, { id: org.id, at })).organisation.status;

      const early = await statusAt('2024-07-15T00:00:00Z'); // T-76: inventory due in 6 days
      expect(early.status).toBe('AT_RISK');
      expect(early.reasons).toContainEqual({ code: 'MILESTONE_DUE_SOON', milestoneKey: 'INVENTORY_COMPLETE' });
      const now = await statusAt();
      expect(now).toMatchObject({ status: 'OVERDUE', asOf: NOW });
      expect(now.reasons).toContainEqual({ code: 'MILESTONE_OVERDUE', milestoneKey: 'INVENTORY_COMPLETE' });

      const milestones = await milestonesOf(server, org.id);
      ok(
        await server.gql(
          `mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }`,
          {
            input: {
              organisationId: org.id,
              footprint: [{ id: f.id, version: 1, endpointsRemaining: 0 }],
              milestones: milestones.map((m) => ({ id: m.id, version: m.version, state: 'DONE' })),
            },
          },
          reporter,
        ),
      );
      const reported = await statusAt('2024-08-20T00:00:00Z');
      expect(reported.status).toBe('ON_TRACK');
      expect(reported.reasons).toContainEqual({ code: 'AWAITING_VERIFICATION', milestoneKey: 'REMOVAL_VERIFIED' });
      // the report of 1 August is stale by the eve of the cutoff; at the cutoff instant itself it is overdue
      const eve = await statusAt('2024-09-29T03:59:59.999Z');
      expect(eve.status).toBe('NOT_REPORTING');
      expect(eve.reasons).toContainEqual({ code: 'STALE_REPORT', milestoneKey: null });
      const atCutoff = await statusAt('2024-09-29T04:00:00Z');
      expect(atCutoff.status).toBe('OVERDUE');
      expect(atCutoff.reasons).toContainEqual({ code: 'PAST_CUTOFF', milestoneKey: null });

      const last = (await milestonesOf(server, org.id)).find((m) => m.key === 'REMOVAL_VERIFIED')!;
      ok(
        await server.gql(`mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { verified } }`, {
          input: { id: last.id, version: last.version },
        }),
      );
      expect((await statusAt('2024-10-15T00:00:00Z')).status).toBe('COMPLETE');
      const [stored] = await server.sql(`SELECT status FROM organisation_status WHERE organisation_id = $1`, [org.id]);
      expect(stored.status).toBe('COMPLETE');
      const filtered = ok(
        await server.gql(`query($id: String) { organisations(filter: { status: COMPLETE, search: $id }) { totalCount } }`, { id: org.externalKey }),
      );
      expect(filtered.organisations.totalCount).toBe(1);
    });
  });
});

describe('lists at scale', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ now: NOW });
    const seeded = await server.cli('seed:demo');
    expect(seeded.stdout).toMatch(/loaded 320 demo organisations/);
  });
  afterAll(() => server?.stop());

  const page = `query($first: Int!, $after: String, $filter: OrganisationFilter, $order: OrganisationOrder) {
    organisations(first: $first, after: $after, filter: $filter, orderBy: $order) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { ${ORGANISATION_FIELDS}
        footprint { id endpointsRemaining product { name } }
        milestones { key state verified }
        extensions { state }
        status { status reasons { code } }
        history(first: 3) { action actor } } } } }`;

  it('costs the same number of SQL statements for 10 or 100 organisations with three levels of detail', async () => {
    await server.gql(page, { first: 1 }); // the first request of a process also reads the programmes (kept for a minute after)
    const small = await server.gql(page, { first: 10 });
    const large = await server.gql(page, { first: 100 });
    ok(small);
    ok(large);
    expect(large.data.organisations.edges).toHaveLength(100);
    expect(large.data.organisations.edges.some((e: any) => e.node.footprint.length > 0 && e.node.milestones.length > 0)).toBe(true);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(10);
  });

  it("reads a page with its organisations' rows in one statement after the credential, and the total only when asked", async () => {
    const bare = `query($first: Int!) { organisations(first: $first) { edges { node { id footprint { id } milestones { key } contacts { email } extensions { state } status { status } } } } }`;
    await server.gql(bare, { first: 1 });
    const page = await server.gql(bare, { first: 40 });
    ok(page);
    expect(page.statements).toBe(2);
    const withTotal = await server.gql(`query { organisations(first: 5) { totalCount edges { node { id } } } }`);
    expect(ok(withTotal).organisations.totalCount).toBeGreaterThan(5);
    expect(withTotal.statements).toBe(3);
  });

  it('reads one organisation in full in one statement after the credential, the same answer as the loaders give', async () => {
    const full = `query($id: ID!) { organisation(id: $id) { ${ORGANISATION_FIELDS} contacts { id role email } footprint { id endpointsRemaining licenceEnd createdAt product { code } }
      milestones { id key targetAt verifiedAt reportedAt } otOnly: milestones(track: OT) { key } extensions { id state requestedTargetAt } status { status reasons { code } } } }`;
    const [{ id }] = await server.sql(
      `SELECT o.id FROM organisation o WHERE EXISTS (SELECT 1 FROM footprint f WHERE f.organisation_id = o.id AND f.environment = 'OT') LIMIT 1`,
    );
    await server.gql(full, { id });
    const one = await server.gql(full, { id });
    expect(one.statements).toBe(2);
    // two programmes' worth of arguments cannot be nested in one statement: the loaders answer, the same
    const [{ pid }] = await server.sql(`SELECT id AS pid FROM programme ORDER BY created_at LIMIT 1`);
    const split = `query($id: ID!, $p: ID) { organisation(id: $id) { ${ORGANISATION_FIELDS} contacts { id role email } footprint(programmeId: $p) { id endpointsRemaining licenceEnd createdAt product { code } }
      milestones { id key targetAt verifiedAt reportedAt } otOnly: milestones(track: OT) { key } extensions { id state requestedTargetAt } status { status reasons { code } } } }`;
    const loaded = await server.gql(split, { id, p: pid });
    expect(loaded.statements).toBeGreaterThan(2);
    expect(ok(loaded).organisation).toEqual(ok(one).organisation);
    expect(ok(one).organisation.otOnly.length).toBeGreaterThan(0);
  });

  it('reads an at-risk page of 10 or 100 with three levels in the same statements, the total only when asked', async () => {
    const atRisk = `query($first: Int!) { atRisk(first: $first) { edges { node { riskScore organisation { id footprint { id endpointsRemaining } milestones { key state } } } } } }`;
    await server.gql(atRisk, { first: 1 });
    const small = await server.gql(atRisk, { first: 10 });
    const large = await server.gql(atRisk, { first: 100 });
    expect(ok(large).atRisk.edges).toHaveLength(100);
    expect(large.statements).toBe(2);
    expect(small.statements).toBe(large.statements);
    expect(large.data.atRisk.edges.some(({ node: e }: any) => e.organisation.footprint.length > 0 && e.organisation.milestones.length > 0)).toBe(true);
    const counted = await server.gql(`query { atRisk(first: 3) { totalCount edges { node { riskScore } } } }`);
    expect(ok(counted).atRisk.totalCount).toBeGreaterThan(3);
  });

  it('answers nested rows read as projections exactly as whole rows: every plain field, instants, nulls, aliases and the track filter', async () => {
    const footprint = `id organisationId programmeId product { code name } productName vendor whiteLabelConfidence environment endpointCount endpointsRemaining
      updateChannel licenceEnd replacementProduct replacementChosenByOrganisation verifiedRemaining verifiedBy verifiedAt replacementVendorCertified
      replacementCertificationRef createdAt updatedAt version`;
    const milestone = `id organisationId programmeId key track name position originalTargetAt targetAt state blockedReason evidence reportedBy reportedAt
      verified verifiedBy verifiedAt extensionId extensionExpiresAt extensionLapsesTo maintenanceWindowFootprintId version`;
    const extension = `id organisationId milestoneId justification requestedTargetAt state requestedBy requestedAt decidedBy decidedAt decisionNote
      grantedTargetAt expiresAt previousTargetAt statusReportedAt statusReportedBy statusReport version`;
    const query = (extra: {
      footprint: string;
      milestone: string;
      contact: string;
      extension: string;
    }) => `query { organisations(first: 100) { edges { node { id
      footprint { ${footprint} ${extra.footprint} } milestones { ${milestone} ${extra.milestone} } ot: milestones(track: OT) { k: key t: targetAt }
      contacts { id role name email timeZone ${extra.contact} } extensions { ${extension} ${extra.extension} } } } } }`;
    // a milestone reported and verified, so that reportedAt/verifiedAt hold instants with milliseconds
    const first = ok(await server.gql(`query { organisations(first: 1) { edges { node { id } } } }`)).organisations.edges[0].node.id;
    const [m] = await server.sql(`SELECT id FROM milestone WHERE organisation_id = $1 ORDER BY id LIMIT 1`, [first]);
    await server.sql(
      `UPDATE milestone SET reported_at = '2024-09-01T10:11:12.345678Z', verified_at = '2024-09-02T00:00:00.001Z', verified_by = 'liaison' WHERE id = $1`,
      [m.id],
    );
    const projected = await server.gql(query({ footprint: '', milestone: '', contact: '', extension: '' }));
    // a field with a resolver of its own makes the same rows come as whole entities, through the mappers
    const whole = await server.gql(
      query({
        footprint: 'maintenanceWindow { name }',
        milestone: 'extensionStanding',
        contact: 'notificationPreference { emailEnabled }',
        extension: 'maintenanceWindow { name }',
      }),
    );
    const strip = (data: any) =>
      data.organisations.edges.map(({ node }: any) => ({
        ...node,
        footprint: node.footprint.map(({ maintenanceWindow: _w, ...f }: any) => f),
        milestones: node.milestones.map(({ extensionStanding: _s, ...x }: any) => x),
        contacts: node.contacts.map(({ notificationPreference: _p, ...c }: any) => c),
        extensions: node.extensions.map(({ maintenanceWindow: _w, ...e }: any) => e),
      }));
    expect(strip(ok(projected))).toEqual(strip(ok(whole)));
    const rows = strip(ok(projected));
    const reported = rows.flatMap((o: any) => o.milestones).find((x: any) => x.id === m.id);
    expect(reported.reportedAt).toBe('2024-09-01T10:11:12.345Z');
    expect(reported.verifiedAt).toBe('2024-09-02T00:00:00.001Z');
    expect(reported.verified).toBe(true);
    expect(rows.some((o: any) => o.ot.length > 0 && o.ot.length < o.milestones.length)).toBe(true);
    expect(rows.some((o: any) => o.extensions.length > 0)).toBe(true);
  });

  it('walks every page of a filtered, sorted list and meets the total', async () => {
    let after: string | null = null;
    const seen: string[] = [];
    let total: number;
    do {
      const data: any = ok(await server.gql(page, { first: 7, after, filter: { sector: 'ENERGY' }, order: { field: 'NAME', direction: 'DESC' } }));
      total = data.organisations.totalCount;
      seen.push(...data.organisations.edges.map((e: any) => e.node.name));
      after = data.organisations.pageInfo.hasNextPage ? data.organisations.pageInfo.endCursor : null;
    } while (after);
    const [{ n }] = await server.sql(
      `SELECT count(*)::int AS n FROM organisation WHERE (primary_sector_code = 'ENERGY' OR 'ENERGY' = ANY(secondary_sector_codes)) AND archived_at IS NULL`,
    );
    expect(total).toBe(n);
    expect(seen).toHaveLength(n);
    expect([...seen]).toEqual([...seen].sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase(), 'en')));
  });

  it.each([
    [{ state: 'TX' }, `state_code = 'TX'`],
    [{ region: 6 }, `state_code IN (SELECT code FROM us_state WHERE region = 6)`],
    [{ status: 'OVERDUE' }, `id IN (SELECT organisation_id FROM organisation_status WHERE status = 'OVERDUE')`],
    [{ search: 'cooperative' }, `(name ILIKE '%cooperative%' OR external_key ILIKE '%cooperative%')`],
  ])('filters by %p and counts what SQL counts', async (filter, where) => {
    const data = ok(
      await server.gql(`query($f: OrganisationFilter) { organisations(first: 500, filter: $f) { totalCount edges { node { id } } } }`, { f: filter }),
    );
    const [{ n }] = await server.sql(`SELECT count(*)::int AS n FROM organisation WHERE archived_at IS NULL AND ${where}`);
    expect(n).toBeGreaterThan(0);
    expect(data.organisations.totalCount).toBe(n);
    expect(data.organisations.edges).toHaveLength(n);
  });

  it('refuses a forged cursor as BAD_USER_INPUT', async () => {
    expect(errorCode(await server.gql(page, { first: 5, after: 'bm90LWEtY3Vyc29y' }))).toBe('BAD_USER_INPUT');
  });
});
