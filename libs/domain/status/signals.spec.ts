import { signalsOf } from './signals';

const DAY = 86_400_000;
const CUTOFF = new Date('2024-09-29T04:00:00Z');
const at = (d: number) => new Date(CUTOFF.getTime() + d * DAY);

describe('signalsOf with extensions', () => {
  const removal = {
    key: 'KASPERSKY_REMOVED',
    track: 'OT',
    state: 'IN_PROGRESS' as const,
    verifiedAt: null,
    targetAt: at(180),
    extensionExpiresAt: at(180),
    extensionLapsesTo: at(0),
    extensionReportedAt: at(-20),
  };
  const facts = { lastReportedAt: at(0), footprint: [{ endpointCount: 6, endpointsRemaining: 6, environment: 'OT' }], milestones: [removal] };
  const ok = { status: 'ON_TRACK' as const, reasons: [] };

  it('counts a milestone overdue against the target it is judged by: the extended one, then the one before it', () => {
    expect(signalsOf(facts, ok, at(30), 'REMOVAL_VERIFIED').overdue).toBe(0);
    expect(signalsOf(facts, ok, at(181), 'REMOVAL_VERIFIED').overdue).toBe(1);
  });

  it('a status report on an extension past due is a stale report', () => {
    const missing = { status: 'NOT_REPORTING' as const, reasons: [{ code: 'EXTENSION_REPORT_MISSING' as const, message: '' }] };
    expect(signalsOf(facts, missing, at(71), 'REMOVAL_VERIFIED').reportStale).toBe(true);
    expect(signalsOf(facts, ok, at(30), 'REMOVAL_VERIFIED').reportStale).toBe(false);
  });
});
