import { milestonesOf, newFootprint, newOrganisation, newToken } from './support/factories';
import { errorCode, ok, startServer, TestServer } from './support/server';

/**
 * Issue 18, item 4: the OT track. An OT deployment records its next maintenance window and whether its
 * replacement is certified by the equipment vendor (with a reference); OT milestones target a window;
 * an extension request cites the window it waits for; and the status says "waiting for the window of …"
 * rather than overdue when that is the truth: after the cutoff, with the IT track verified, an OT track
 * waiting for a window ahead with a certified replacement.
 */
const NOW = '2024-10-15T15:00:00.000Z'; // 16 days after the cutoff
const WINDOW = { start: '2024-11-09T06:00:00.000Z', end: '2024-11-10T18:00:00.000Z' };
const LATER = { start: '2024-11-16T06:00:00.000Z', end: '2024-11-17T18:00:00.000Z' };
const CERT = 'SIEMENS-ICS-CERT-2024-118';

const FOOTPRINT_FIELDS = 'id version environment maintenanceWindow { footprintId startsAt endsAt name } replacementVendorCertified replacementCertificationRef';
const STATUS = `query($id: ID!) { organisation(id: $id) {
  status { status reasons { code message milestoneKey track } }
  milestones { id key track targetAt maintenanceWindowFootprintId version }
  extensions { id state requestedTargetAt grantedTargetAt maintenanceWindow { footprintId startsAt endsAt name } version } } }`;

describe('the OT track: maintenance windows and vendor-certified replacements (issue 18, item 4)', () => {
  let server: TestServer;
  let org: any;
  let ot: any;
  let liaison: string;
  let reporter: string;
  const read = async () => ok(await server.gql(STATUS, { id: org.id })).organisation;
  const otMilestone = async (key: string) => (await read()).milestones.find((m: any) => m.track === 'OT' && m.key === key);
  const codes = (o: any) => o.status.reasons.map((r: any) => r.code);
  const updateFootprint = (input: Record<string, unknown>, token?: string) =>
    server.gql(`mutation($input: UpdateFootprintInput!) { updateFootprint(input: $input) { ${FOOTPRINT_FIELDS} } }`, { input }, token);
  const updateMilestone = (input: Record<string, unknown>, token?: string) =>
    server.gql(
      `mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { id targetAt maintenanceWindowFootprintId version } }`,
      { input },
      token,
    );
  const storedStatus = async () => (await server.sql(`SELECT status FROM organisation_status WHERE organisation_id = $1`, [org.id]))[0].status;
  const auditCount = async () => (await server.sql(`SELECT count(*)::int AS n FROM audit_event WHERE organisation_id = $1`, [org.id]))[0].n;

  beforeAll(async () => {
    server = await startServer({ now: NOW });
    org = await newOrganisation(server, { name: 'Plant with a DCS', primarySector: 'WATER' });
    liaison = (await newToken(server, { role: 'liaison', sectors: ['WATER'] })).token;
    reporter = (await newToken(server, { role: 'reporter', organisationId: org.id })).token;
    ot = await newFootprint(server, org.id, { productCode: 'KICS_NODES', environment: 'OT', endpointCount: 6, updateChannel: 'OFFLINE' });
    // the IT track is done and verified, the OT track up to the rollout: only the OT removal waits
    const milestones = await milestonesOf(server, org.id);
    const done = milestones.filter((m) => m.track === 'IT' || !['KASPERSKY_REMOVED', 'REMOVAL_VERIFIED'].includes(m.key));
    ok(
      await server.gql(
        `mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }`,
        {
          input: { organisationId: org.id, milestones: done.map((m) => ({ id: m.id, version: m.version, state: 'DONE', evidence: 'done' })) },
        },
        reporter,
      ),
    );
    const itVerify = (await milestonesOf(server, org.id)).find((m) => m.track === 'IT' && m.key === 'REMOVAL_VERIFIED')!;
    ok(
      await server.gql(
        `mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { id } }`,
        { input: { id: itVerify.id, version: itVerify.version } },
        liaison,
      ),
    );
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('without a window, an OT track past the cutoff is overdue', async () => {
    const o = await read();
    expect(o.status.status).toBe('OVERDUE');
    expect(codes(o)).toContain('PAST_CUTOFF');
    expect(codes(o)).not.toContain('WAITING_FOR_WINDOW');
  });

  it('refuses window and certification facts that do not hold, and changes nothing', async () => {
    const it = await newFootprint(server, org.id, { environment: 'IT', endpointCount: 10, endpointsRemaining: 0 });
    const before = await auditCount();
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ id: it.id, version: it.version, maintenanceWindowStartsAt: WINDOW.start, maintenanceWindowEndsAt: WINDOW.end }, 'environment'],
      [{ id: ot.id, version: ot.version, maintenanceWindowStartsAt: WINDOW.end, maintenanceWindowEndsAt: WINDOW.start }, 'maintenanceWindowEndsAt'],
      [{ id: ot.id, version: ot.version, maintenanceWindowStartsAt: WINDOW.start }, 'maintenanceWindowEndsAt'],
      [{ id: ot.id, version: ot.version, replacementVendorCertified: true }, 'replacementCertificationRef'],
      [{ id: ot.id, version: ot.version, maintenanceWindowName: 'An outage' }, 'maintenanceWindowName'],
    ];
    for (const [input, field] of refusals) {
      const refused = await updateFootprint(input);
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].extensions!.fields.map((f: any) => f.field)).toContain(field);
    }
    // a window on an IT deployment is refused when it is added, too
    const added = await server.gql(`mutation($input: AddFootprintInput!) { addFootprint(input: $input) { id } }`, {
      input: { organisationId: org.id, productCode: 'KES_ADVANCED', environment: 'IT', endpointCount: 1, replacementVendorCertified: false },
    });
    expect(errorCode(added)).toBe('BAD_USER_INPUT');
    expect(await auditCount()).toBe(before);
    const [row] = await server.sql(`SELECT version, maintenance_window_starts_at, replacement_vendor_certified FROM footprint WHERE id = $1`, [ot.id]);
    expect(row).toEqual({ version: ot.version, maintenance_window_starts_at: null, replacement_vendor_certified: null });
    ok(await server.gql(`mutation($input: VersionedIdInput!) { removeFootprint(input: $input) { id } }`, { input: { id: it.id, version: it.version } }));
  });

  it('records the window and certification, lets OT milestones target the window, and says "waiting for the window" only when the replacement is certified', async () => {
    ot = ok(
      await updateFootprint({
        id: ot.id,
        version: ot.version,
        maintenanceWindowStartsAt: WINDOW.start,
        maintenanceWindowEndsAt: WINDOW.end,
        maintenanceWindowName: 'Unit 2 autumn outage',
        replacementVendorCertified: false,
      }),
    ).updateFootprint;
    expect(ot.maintenanceWindow).toEqual({ footprintId: ot.id, startsAt: WINDOW.start, endsAt: WINDOW.end, name: 'Unit 2 autumn outage' });

    const removal = await otMilestone('KASPERSKY_REMOVED');
    const itRollout = (await read()).milestones.find((m: any) => m.track === 'IT' && m.key === 'ROLLOUT');
    // refused: a reporter may not move a target; an IT milestone waits for no window; a footprint row that is not this organisation's
    expect(errorCode(await updateMilestone({ id: removal.id, version: removal.version, maintenanceWindowFootprintId: ot.id }, reporter))).toBe('FORBIDDEN');
    expect(errorCode(await updateMilestone({ id: itRollout.id, version: itRollout.version, maintenanceWindowFootprintId: ot.id }))).toBe('BAD_USER_INPUT');
    const other = await newOrganisation(server, { name: 'Another plant' });
    const theirs = await newFootprint(server, other.id, { productCode: 'KICS_NODES', environment: 'OT', endpointCount: 2 });
    expect(errorCode(await updateMilestone({ id: removal.id, version: removal.version, maintenanceWindowFootprintId: theirs.id }))).toBe('NOT_FOUND');
    expect((await otMilestone('KASPERSKY_REMOVED')).version).toBe(removal.version);

    for (const key of ['KASPERSKY_REMOVED', 'REMOVAL_VERIFIED']) {
      const m = await otMilestone(key);
      const moved = ok(await updateMilestone({ id: m.id, version: m.version, maintenanceWindowFootprintId: ot.id }, liaison)).updateMilestone;
      expect(moved).toMatchObject({ targetAt: WINDOW.end, maintenanceWindowFootprintId: ot.id });
    }
    // not certified: the window cannot be used, and the cutoff still judges the track
    let o = await read();
    expect(o.status.status).toBe('OVERDUE');
    expect(codes(o)).toEqual(expect.arrayContaining(['PAST_CUTOFF', 'REPLACEMENT_NOT_CERTIFIED']));
    expect(codes(o)).not.toContain('WAITING_FOR_WINDOW');

    ot = ok(await updateFootprint({ id: ot.id, version: ot.version, replacementVendorCertified: true, replacementCertificationRef: CERT })).updateFootprint;
    expect(ot).toMatchObject({ replacementVendorCertified: true, replacementCertificationRef: CERT });
    o = await read();
    expect(o.status.status).toBe('AT_RISK');
    expect(codes(o)).not.toContain('PAST_CUTOFF');
    expect(codes(o)).not.toContain('MILESTONE_OVERDUE');
    expect(o.status.reasons.find((r: any) => r.code === 'WAITING_FOR_WINDOW' && r.milestoneKey === 'KASPERSKY_REMOVED').message).toBe(
      `OT KASPERSKY_REMOVED is waiting for the window of Unit 2 autumn outage, ${WINDOW.start} to ${WINDOW.end}, with a replacement certified by the equipment vendor (${CERT})`,
    );
    // the stored status (lists, dashboards, the at-risk list) says the same
    expect(await storedStatus()).toBe('AT_RISK');
    const atRisk = ok(await server.gql(`{ atRisk(first: 50) { edges { node { status organisation { id status { reasons { code } } } } } } }`, {}, liaison))
      .atRisk.edges;
    const entry = atRisk.map((e: any) => e.node).find((e: any) => e.organisation.id === org.id);
    expect(entry.status).toBe('AT_RISK');
    expect(entry.organisation.status.reasons.map((r: any) => r.code)).toContain('WAITING_FOR_WINDOW');
  });

  it('moves the targets with the window, and an extension request cites the window it waits for', async () => {
    ot = ok(
      await updateFootprint({ id: ot.id, version: ot.version, maintenanceWindowStartsAt: LATER.start, maintenanceWindowEndsAt: LATER.end }),
    ).updateFootprint;
    expect((await otMilestone('KASPERSKY_REMOVED')).targetAt).toBe(LATER.end);
    expect((await otMilestone('REMOVAL_VERIFIED')).targetAt).toBe(LATER.end);

    const verify = await otMilestone('REMOVAL_VERIFIED');
    const request = (input: Record<string, unknown>) =>
      server.gql(
        `mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id version state requestedTargetAt maintenanceWindow { footprintId startsAt endsAt name } } }`,
        { input },
        reporter,
      );
    const justification = 'The DCS may only change in the plant outage; the certified replacement goes in then.';
    // before the window closes: refused; an IT milestone: refused
    const early = await request({ milestoneId: verify.id, justification, requestedTargetAt: LATER.start, maintenanceWindowFootprintId: ot.id });
    expect(errorCode(early)).toBe('BAD_USER_INPUT');
    expect(early.errors![0].extensions!.fields[0].field).toBe('requestedTargetAt');
    const itVerify = (await read()).milestones.find((m: any) => m.track === 'IT' && m.key === 'KASPERSKY_REMOVED');
    expect(
      errorCode(await request({ milestoneId: itVerify.id, justification, requestedTargetAt: '2024-12-01T00:00:00Z', maintenanceWindowFootprintId: ot.id })),
    ).toBe('BAD_USER_INPUT');
    expect((await read()).extensions).toEqual([]);

    const requested = ok(
      await request({ milestoneId: verify.id, justification, requestedTargetAt: '2024-11-30T05:00:00Z', maintenanceWindowFootprintId: ot.id }),
    ).requestExtension;
    expect(requested).toMatchObject({
      state: 'REQUESTED',
      maintenanceWindow: { footprintId: ot.id, startsAt: LATER.start, endsAt: LATER.end, name: 'Unit 2 autumn outage' },
    });
    const granted = ok(
      await server.gql(
        `mutation($input: GrantExtensionInput!) { grantExtension(input: $input) { state grantedTargetAt maintenanceWindow { endsAt } } }`,
        { input: { id: requested.id, version: requested.version, note: 'Approved for the outage' } },
        liaison,
      ),
    ).grantExtension;
    expect(granted).toMatchObject({ state: 'GRANTED', grantedTargetAt: '2024-11-30T05:00:00.000Z', maintenanceWindow: { endsAt: LATER.end } });
    const o = await read();
    expect(o.status.status).toBe('AT_RISK');
    expect(o.status.reasons.find((r: any) => r.code === 'UNDER_EXTENSION' && r.milestoneKey === 'REMOVAL_VERIFIED').message).toContain(
      `waiting for the window of Unit 2 autumn outage, ${LATER.start} to ${LATER.end}`,
    );
    expect(o.extensions[0].maintenanceWindow.endsAt).toBe(LATER.end);
  });

  it('once the window has closed with the work not done, it is overdue again and says it missed the window', async () => {
    ok(await server.gql(`mutation { setSimulatedTime(at: "2024-11-18T15:00:00Z") { now } }`));
    try {
      const o = await read();
      // the removal missed its window; its verification is still under the extension granted for it (so the track is not PAST_CUTOFF)
      expect(o.status.status).toBe('OVERDUE');
      expect(codes(o)).toEqual(expect.arrayContaining(['MILESTONE_OVERDUE', 'UNDER_EXTENSION']));
      expect(codes(o)).not.toContain('WAITING_FOR_WINDOW');
      expect(o.status.reasons.find((r: any) => r.code === 'MILESTONE_OVERDUE' && r.milestoneKey === 'KASPERSKY_REMOVED').message).toBe(
        `OT KASPERSKY_REMOVED was due ${LATER.end}, the end of the window of Unit 2 autumn outage, ${LATER.start} to ${LATER.end}`,
      );
    } finally {
      ok(await server.gql(`mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }`, { at: NOW }));
    }
  });

  it('removing the deployment leaves its milestones targeting no window, with the targets they had', async () => {
    const current = ok(await server.gql(`query($id: ID!) { organisation(id: $id) { footprint { id version } } }`, { id: org.id })).organisation.footprint.find(
      (f: any) => f.id === ot.id,
    );
    ok(await server.gql(`mutation($input: VersionedIdInput!) { removeFootprint(input: $input) { id } }`, { input: { id: ot.id, version: current.version } }));
    const removal = await otMilestone('KASPERSKY_REMOVED');
    expect(removal).toMatchObject({ maintenanceWindowFootprintId: null, targetAt: LATER.end });
    expect(codes(await read())).not.toContain('WAITING_FOR_WINDOW');
  });
});
