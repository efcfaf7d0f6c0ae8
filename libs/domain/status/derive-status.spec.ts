import { deriveStatus, extendedDeadline, MilestoneState, StatusInput } from './derive-status';

const CUTOFF = new Date('2024-09-29T04:00:00Z');
const DAY = 86_400_000;
/** The seeded programme's rules (libs/reference/reference-data.ts), as a programme row carries them. */
const RULES: StatusInput['rules'] = {
  inventoryMilestoneKey: 'INVENTORY_COMPLETE',
  removalVerifiedMilestoneKey: 'REMOVAL_VERIFIED',
  dueSoonDays: 14,
  cutoffNearDays: 30,
  laggingShare: 0.5,
};
const at = (daysFromCutoff: number) => new Date(CUTOFF.getTime() + daysFromCutoff * DAY);

const PLAN: Array<[string, number]> = [
  ['INVENTORY_COMPLETE', -70],
  ['REPLACEMENT_SELECTED', -56],
  ['REPLACEMENT_PROCURED', -42],
  ['PILOT_DEPLOYED', -28],
  ['ROLLOUT', -14],
  ['KASPERSKY_REMOVED', 0],
  ['REMOVAL_VERIFIED', 0],
];

function input(opts: {
  now: number;
  doneUpTo?: number; // index in PLAN of the last milestone done
  verified?: boolean;
  remaining?: number;
  total?: number;
  reportedDaysAgo?: number | null;
  blocked?: string;
}): StatusInput {
  const now = at(opts.now);
  const doneUpTo = opts.doneUpTo ?? -1;
  const total = opts.total ?? 100;
  return {
    now,
    cutoff: CUTOFF,
    staleReportDays: 30,
    rules: RULES,
    lastReportedAt: opts.reportedDaysAgo === null ? null : new Date(now.getTime() - (opts.reportedDaysAgo ?? 1) * DAY),
    footprint: [{ endpointCount: total, endpointsRemaining: opts.remaining ?? total }],
    milestones: PLAN.map(([key, offset], i) => ({
      key,
      track: 'IT',
      targetAt: at(offset),
      state: (opts.blocked === key ? 'BLOCKED' : i <= doneUpTo ? 'DONE' : 'NOT_STARTED') as MilestoneState,
      verifiedAt: i <= doneUpTo && opts.verified ? at(offset) : null,
    })),
  };
}

describe('deriveStatus', () => {
  it.each([
    // [description, input, expected status, a reason code it must give]
    ['far out, nothing due yet', input({ now: -100 }), 'ON_TRACK', undefined],
    ['inventory due in 10 days, not started', input({ now: -80 }), 'AT_RISK', 'MILESTONE_DUE_SOON'],
    ['inventory target passed, not done', input({ now: -69 }), 'OVERDUE', 'MILESTONE_OVERDUE'],
    ['keeping pace with the plan', input({ now: -60, doneUpTo: 1, remaining: 100 }), 'ON_TRACK', undefined],
    ['never reported', input({ now: -60, doneUpTo: 1, reportedDaysAgo: null }), 'NOT_REPORTING', 'NO_REPORT'],
    ['report 31 days old', input({ now: -60, doneUpTo: 1, reportedDaysAgo: 31 }), 'NOT_REPORTING', 'STALE_REPORT'],
    ['a blocked milestone', input({ now: -60, doneUpTo: 1, blocked: 'REPLACEMENT_PROCURED' }), 'AT_RISK', 'MILESTONE_BLOCKED'],
    ['cutoff in 20 days, most endpoints remain', input({ now: -20, doneUpTo: 3, remaining: 80 }), 'AT_RISK', 'MOST_ENDPOINTS_REMAIN'],
    ['one hour before the cutoff, all done but not verified', input({ now: -1 / 24, doneUpTo: 6, remaining: 0 }), 'ON_TRACK', 'AWAITING_VERIFICATION'],
    ['at the cutoff instant, not verified', input({ now: 0, doneUpTo: 6, remaining: 0 }), 'OVERDUE', 'PAST_CUTOFF'],
    ['after the cutoff, endpoints remain', input({ now: 30, doneUpTo: 4, remaining: 10 }), 'OVERDUE', 'PAST_CUTOFF'],
    ['removal verified before the cutoff', input({ now: -1, doneUpTo: 6, verified: true, remaining: 0 }), 'COMPLETE', 'REMOVAL_VERIFIED'],
    ['removal verified, after the cutoff', input({ now: 30, doneUpTo: 6, verified: true, remaining: 0 }), 'COMPLETE', 'REMOVAL_VERIFIED'],
    ['verified but endpoints still remain', input({ now: 5, doneUpTo: 6, verified: true, remaining: 3 }), 'OVERDUE', 'PAST_CUTOFF'],
  ])('%s', (_name, given, status, reason) => {
    const result = deriveStatus(given);
    expect(result.status).toBe(status);
    if (reason) expect(result.reasons.map((r) => r.code)).toContain(reason);
    else expect(result.reasons).toEqual([]);
  });

  it('is complete when a verified inventory found no Kaspersky at all', () => {
    const base = input({ now: -60, doneUpTo: 0, verified: true });
    expect(deriveStatus({ ...base, footprint: [] }).status).toBe('COMPLETE');
  });

  it('the cutoff is an instant: one millisecond before it is not past it', () => {
    const before = deriveStatus(input({ now: -1 / DAY, doneUpTo: 6, remaining: 0 }));
    expect(before.reasons.map((r) => r.code)).not.toContain('PAST_CUTOFF');
  });

  it('needs every track verified', () => {
    const it = input({ now: -1, doneUpTo: 6, verified: true, remaining: 0 });
    const ot = it.milestones.map((m) => ({ ...m, track: 'OT', verifiedAt: m.key === 'REMOVAL_VERIFIED' ? null : m.verifiedAt }));
    expect(deriveStatus({ ...it, milestones: [...it.milestones, ...ot] }).status).not.toBe('COMPLETE');
  });
});

/**
 * An organisation whose IT track is removed and verified and whose OT track waits: every OT milestone
 * before the removal is done, the removal and its verification are not. `extendedTo`: both are under a
 * granted extension to that day (from the cutoff), lapsing at `expires` (default: the extended target),
 * last reported on at `reported` (default: granted at day -20).
 */
function otWaiting(opts: { now: number; extendedTo?: number; expires?: number; reported?: number; only?: string; itVerified?: boolean }): StatusInput {
  const now = at(opts.now);
  const it = PLAN.map(([key, offset]) => ({
    key,
    track: 'IT',
    targetAt: at(offset),
    state: 'DONE' as MilestoneState,
    verifiedAt: opts.itVerified === false && key === 'REMOVAL_VERIFIED' ? null : at(offset),
  }));
  const ot = PLAN.map(([key, offset]) => {
    const waiting = key === 'KASPERSKY_REMOVED' || key === 'REMOVAL_VERIFIED';
    const extended = waiting && opts.extendedTo !== undefined && (!opts.only || opts.only === key);
    return {
      key,
      track: 'OT',
      targetAt: extended ? at(opts.extendedTo!) : at(offset),
      state: (waiting ? 'IN_PROGRESS' : 'DONE') as MilestoneState,
      verifiedAt: null,
      ...(extended
        ? { extensionExpiresAt: at(opts.expires ?? opts.extendedTo!), extensionLapsesTo: at(offset), extensionReportedAt: at(opts.reported ?? -20) }
        : {}),
    };
  });
  return {
    now,
    cutoff: CUTOFF,
    staleReportDays: 30,
    rules: { ...RULES, extensions: { maxGrantDays: 183, maxGrantsPerMilestone: 2, statusReportEveryDays: 90 } },
    lastReportedAt: new Date(now.getTime() - DAY),
    footprint: [
      { endpointCount: 100, endpointsRemaining: 0 },
      { endpointCount: 6, endpointsRemaining: 6 },
    ],
    milestones: [...it, ...ot],
  };
}

describe('deriveStatus with extensions', () => {
  it.each([
    // [description, input, expected status, reason codes it must give, reason codes it must not give]
    [
      'after the cutoff, no extension: overdue (the cutoff ends it)',
      otWaiting({ now: 30 }),
      'OVERDUE',
      ['PAST_CUTOFF', 'MILESTONE_OVERDUE'],
      ['UNDER_EXTENSION'],
    ],
    [
      'after the cutoff, OT granted to T+180: judged against the extended target',
      otWaiting({ now: 30, extendedTo: 180 }),
      'ON_TRACK',
      ['UNDER_EXTENSION'],
      ['PAST_CUTOFF', 'MILESTONE_OVERDUE'],
    ],
    ['before the cutoff, extended: the same', otWaiting({ now: -10, extendedTo: 180 }), 'ON_TRACK', ['UNDER_EXTENSION'], ['MILESTONE_OVERDUE']],
    [
      'extended, the status report 90 days after the grant not filed: stale',
      otWaiting({ now: 71, extendedTo: 180 }),
      'NOT_REPORTING',
      ['EXTENSION_REPORT_MISSING'],
      ['PAST_CUTOFF'],
    ],
    [
      'extended, reported on at T+60: the next is due at T+150',
      otWaiting({ now: 100, extendedTo: 180, reported: 60 }),
      'ON_TRACK',
      ['UNDER_EXTENSION'],
      ['EXTENSION_REPORT_MISSING'],
    ],
    [
      'the extension expired: lapses back to the cutoff target, and says so',
      otWaiting({ now: 181, extendedTo: 180 }),
      'OVERDUE',
      ['EXTENSION_LAPSED', 'MILESTONE_OVERDUE', 'PAST_CUTOFF'],
      ['UNDER_EXTENSION'],
    ],
    [
      'expiring later than its target: past the extended target it is overdue, not lapsed',
      otWaiting({ now: 100, extendedTo: 90, expires: 120, reported: 60 }),
      'OVERDUE',
      ['MILESTONE_OVERDUE', 'UNDER_EXTENSION'],
      ['PAST_CUTOFF', 'EXTENSION_LAPSED'],
    ],
    [
      'only the removal extended: its verification is overdue on its own target',
      otWaiting({ now: 30, extendedTo: 180, only: 'KASPERSKY_REMOVED' }),
      'OVERDUE',
      ['MILESTONE_OVERDUE', 'UNDER_EXTENSION'],
      ['PAST_CUTOFF'],
    ],
    ['IT not verified: the cutoff still ends it', otWaiting({ now: 30, extendedTo: 180, itVerified: false }), 'OVERDUE', ['PAST_CUTOFF'], []],
    ['extended to a target before the cutoff: the cutoff still ends it', otWaiting({ now: 1, extendedTo: -1 / 2, expires: 2 }), 'OVERDUE', ['PAST_CUTOFF'], []],
  ])('%s', (_name, given, status, must, mustNot) => {
    const result = deriveStatus(given);
    const codes = result.reasons.map((r) => r.code);
    expect(result.status).toBe(status);
    for (const code of must) expect(codes).toContain(code);
    for (const code of mustNot) expect(codes).not.toContain(code);
  });

  it('lapses at the expiry instant, not a millisecond before', () => {
    const expiry = 180;
    const before = deriveStatus(otWaiting({ now: expiry - 1 / DAY, extendedTo: expiry, reported: 150 }));
    const atExpiry = deriveStatus(otWaiting({ now: expiry, extendedTo: expiry, reported: 150 }));
    expect(before.status).toBe('ON_TRACK');
    expect(atExpiry.reasons.map((r) => r.code)).toContain('EXTENSION_LAPSED');
  });

  it('says what lapsed and what it is judged against again', () => {
    const lapsed = deriveStatus(otWaiting({ now: 181, extendedTo: 180 })).reasons.find(
      (r) => r.code === 'EXTENSION_LAPSED' && r.milestoneKey === 'KASPERSKY_REMOVED',
    )!;
    expect(lapsed).toMatchObject({ track: 'OT' });
    expect(lapsed.message).toBe(
      `OT KASPERSKY_REMOVED: its extension to ${at(180).toISOString()} lapsed at ${at(180).toISOString()}; it is judged against its target before the extension, ${CUTOFF.toISOString()}`,
    );
    const overdue = deriveStatus(otWaiting({ now: 181, extendedTo: 180 })).reasons.find(
      (r) => r.code === 'MILESTONE_OVERDUE' && r.milestoneKey === 'KASPERSKY_REMOVED',
    )!;
    expect(overdue.message).toBe(`OT KASPERSKY_REMOVED was due ${CUTOFF.toISOString()}`);
  });

  it('gives the extended deadline only when every track not verified is extended past the cutoff', () => {
    expect(extendedDeadline(otWaiting({ now: 30, extendedTo: 180 }))).toEqual(at(180));
    expect(extendedDeadline(otWaiting({ now: 30 }))).toBeNull();
    expect(extendedDeadline(otWaiting({ now: 30, extendedTo: 180, itVerified: false }))).toBeNull();
    expect(extendedDeadline(otWaiting({ now: 181, extendedTo: 180 }))).toBeNull();
  });
});

/**
 * The OT track (issue 18, item 4): `otWaiting` with the OT removal and its verification targeting the
 * maintenance window of the OT deployment (window from `windowFrom` to `windowTo` days from the cutoff),
 * its replacement certified by the equipment vendor or not.
 */
function otWindow(opts: {
  now: number;
  windowFrom: number;
  windowTo: number;
  certified?: boolean;
  extendedTo?: number;
  itVerified?: boolean;
  name?: string;
}): StatusInput {
  const base = otWaiting({ now: opts.now, extendedTo: opts.extendedTo, itVerified: opts.itVerified });
  const certified = opts.certified ?? true;
  return {
    ...base,
    footprint: [
      { endpointCount: 100, endpointsRemaining: 0, environment: 'IT', id: 'it-1' },
      {
        endpointCount: 6,
        endpointsRemaining: 6,
        environment: 'OT',
        id: 'ot-1',
        maintenanceWindowStartsAt: at(opts.windowFrom),
        maintenanceWindowEndsAt: at(opts.windowTo),
        maintenanceWindowName: opts.name ?? null,
        replacementVendorCertified: certified,
        replacementCertificationRef: certified ? 'SIEMENS-CERT-2024-118' : null,
      },
    ],
    milestones: base.milestones.map((m) =>
      m.track === 'OT' && (m.key === 'KASPERSKY_REMOVED' || m.key === 'REMOVAL_VERIFIED')
        ? { ...m, maintenanceWindowFootprintId: 'ot-1', targetAt: opts.extendedTo !== undefined ? m.targetAt : at(opts.windowTo) }
        : m,
    ),
  };
}

describe('deriveStatus on the OT track: maintenance windows', () => {
  it.each([
    // [description, input, expected status, reason codes it must give, reason codes it must not give]
    [
      'after the cutoff, waiting for a window ahead with a certified replacement: at risk, not overdue',
      otWindow({ now: 30, windowFrom: 40, windowTo: 42 }),
      'AT_RISK',
      ['WAITING_FOR_WINDOW'],
      ['PAST_CUTOFF', 'MILESTONE_OVERDUE'],
    ],
    [
      'during the window itself: still waiting for it to close',
      otWindow({ now: 41, windowFrom: 40, windowTo: 42 }),
      'AT_RISK',
      ['WAITING_FOR_WINDOW'],
      ['PAST_CUTOFF'],
    ],
    [
      'the window ended and the work is not done: overdue',
      otWindow({ now: 43, windowFrom: 40, windowTo: 42 }),
      'OVERDUE',
      ['PAST_CUTOFF', 'MILESTONE_OVERDUE'],
      ['WAITING_FOR_WINDOW'],
    ],
    [
      'the replacement is not certified: the window cannot be used, past the cutoff',
      otWindow({ now: 30, windowFrom: 40, windowTo: 42, certified: false }),
      'OVERDUE',
      ['PAST_CUTOFF', 'REPLACEMENT_NOT_CERTIFIED'],
      ['WAITING_FOR_WINDOW'],
    ],
    [
      'before the cutoff, a window after it: at risk, waiting for the window',
      otWindow({ now: -10, windowFrom: 40, windowTo: 42 }),
      'AT_RISK',
      ['WAITING_FOR_WINDOW'],
      ['MILESTONE_OVERDUE'],
    ],
    [
      'before the cutoff, a window before it: on track',
      otWindow({ now: -10, windowFrom: -5, windowTo: -3 }),
      'ON_TRACK',
      [],
      ['WAITING_FOR_WINDOW', 'REPLACEMENT_NOT_CERTIFIED'],
    ],
    [
      'IT not verified: the IT track is past the cutoff whatever OT waits for',
      otWindow({ now: 30, windowFrom: 40, windowTo: 42, itVerified: false }),
      'OVERDUE',
      ['PAST_CUTOFF', 'WAITING_FOR_WINDOW'],
      [],
    ],
    [
      'under an extension that waits for the window: on track, and the extension says which window',
      otWindow({ now: 30, windowFrom: 40, windowTo: 42, extendedTo: 60 }),
      'ON_TRACK',
      ['UNDER_EXTENSION'],
      ['WAITING_FOR_WINDOW', 'PAST_CUTOFF'],
    ],
  ])('%s', (_name, given, status, must, mustNot) => {
    const result = deriveStatus(given);
    const codes = result.reasons.map((r) => r.code);
    expect(result.status).toBe(status);
    for (const code of must) expect(codes).toContain(code);
    for (const code of mustNot) expect(codes).not.toContain(code);
  });

  it('says which window it waits for, and the certificate', () => {
    const reason = deriveStatus(otWindow({ now: 30, windowFrom: 40, windowTo: 42, name: 'Unit 2 autumn outage' })).reasons.find(
      (r) => r.code === 'WAITING_FOR_WINDOW' && r.milestoneKey === 'KASPERSKY_REMOVED',
    )!;
    expect(reason).toMatchObject({ track: 'OT' });
    expect(reason.message).toBe(
      `OT KASPERSKY_REMOVED is waiting for the window of Unit 2 autumn outage, ${at(40).toISOString()} to ${at(42).toISOString()}, with a replacement certified by the equipment vendor (SIEMENS-CERT-2024-118)`,
    );
    const extended = deriveStatus(otWindow({ now: 30, windowFrom: 40, windowTo: 42, extendedTo: 60 })).reasons.find((r) => r.code === 'UNDER_EXTENSION')!;
    expect(extended.message).toContain(`waiting for the window of ${at(40).toISOString()} to ${at(42).toISOString()}`);
    const missed = deriveStatus(otWindow({ now: 43, windowFrom: 40, windowTo: 42 })).reasons.find(
      (r) => r.code === 'MILESTONE_OVERDUE' && r.milestoneKey === 'KASPERSKY_REMOVED',
    )!;
    expect(missed.message).toBe(
      `OT KASPERSKY_REMOVED was due ${at(42).toISOString()}, the end of the window of ${at(40).toISOString()} to ${at(42).toISOString()}`,
    );
  });

  it('finds no window for a link whose deployment is gone or has none', () => {
    const given = otWindow({ now: 30, windowFrom: 40, windowTo: 42 });
    const gone = deriveStatus({ ...given, footprint: given.footprint.filter((f) => f.id !== 'ot-1') });
    expect(gone.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['PAST_CUTOFF']));
    expect(gone.reasons.map((r) => r.code)).not.toContain('WAITING_FOR_WINDOW');
  });
});
