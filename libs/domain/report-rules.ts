import type { Actor } from './actor';

const DAY = 86_400_000;

/**
 * Whether a change by this actor is the organisation's own report (its report time moves). A report is
 * what the organisation says of itself: its reporter credential, or a link e-mailed to one of its
 * contacts (a link session acts as the organisation's reporter, id `link:<contact>`, libs/links); an
 * actor kind of its own would be added here. What staff (a liaison, an admin) or the system enter is an
 * edit, not a report, whatever it changes: a staff edit must not hide a stale report.
 */
export function isOrganisationsOwnReport(actor: Pick<Actor, 'role'>): boolean {
  switch (actor.role) {
    case 'reporter':
      return true;
    case 'admin':
    case 'liaison':
    case 'viewer':
    case 'system':
      return false;
  }
}

/** How old a dated fact is, and whether it is stale (older than `staleDays`, or missing). */
export interface Freshness {
  at: Date | null;
  ageDays: number | null;
  stale: boolean;
}

export function freshness(at: Date | null, now: Date, staleDays: number): Freshness {
  if (!at) return { at: null, ageDays: null, stale: true };
  const age = (now.getTime() - at.getTime()) / DAY;
  return { at, ageDays: Math.floor(age * 10) / 10, stale: age > staleDays };
}

/** A footprint row as the reported-versus-verified figures read it. */
export interface VerifiableRow {
  productCode: string;
  vendor: string | null;
  endpointCount: number;
  endpointsRemaining: number;
  verifiedRemaining: number | null;
  verifiedAt: Date | null;
}

/** The figures of a set of footprint rows: reported, and verified by a liaison (rows verified only). */
export interface ReportedAndVerified {
  endpointsTotal: number;
  /** What the organisation reported (or staff entered) remains. */
  endpointsRemaining: number;
  /** The endpoints of the rows a liaison verified, and what the verification found remaining on them. */
  verifiedTotal: number;
  verifiedRemaining: number;
  /** Rows with no verification, or one older than staleDays. */
  rowsUnverified: number;
  /** The oldest verification among the rows (the one that ages first); null when a row has none. */
  oldestVerificationAt: Date | null;
  verificationStale: boolean;
}

export function reportedAndVerified(rows: readonly VerifiableRow[], now: Date, staleDays: number): ReportedAndVerified {
  const r: ReportedAndVerified = {
    endpointsTotal: 0,
    endpointsRemaining: 0,
    verifiedTotal: 0,
    verifiedRemaining: 0,
    rowsUnverified: 0,
    oldestVerificationAt: null,
    verificationStale: false,
  };
  let oldest: number | null = null;
  let missing = false;
  for (const row of rows) {
    r.endpointsTotal += row.endpointCount;
    r.endpointsRemaining += row.endpointsRemaining;
    if (row.verifiedAt === null || row.verifiedRemaining === null) {
      missing = true;
      r.rowsUnverified += 1;
      continue;
    }
    r.verifiedTotal += row.endpointCount;
    r.verifiedRemaining += row.verifiedRemaining;
    if (freshness(row.verifiedAt, now, staleDays).stale) r.rowsUnverified += 1;
    if (oldest === null || row.verifiedAt.getTime() < oldest) oldest = row.verifiedAt.getTime();
  }
  r.oldestVerificationAt = missing || oldest === null ? null : new Date(oldest);
  r.verificationStale = r.rowsUnverified > 0;
  return r;
}

/** The vendor a row is counted under in the white-label breakdown: only a white-label engine's, trimmed. */
const vendorKey = (row: Pick<VerifiableRow, 'productCode' | 'vendor'>) => (row.productCode === 'WHITE_LABEL' ? (row.vendor ?? '').trim() : '');

/** The key of the figures over all of an organisation's footprint, beside one per product (migration 0040). */
const ALL_PRODUCTS = '*';

/**
 * An organisation's footprint as the product cells count it (organisation_status.products), in a fixed
 * order: "*" for all of it; one entry per product (vendor ''), so the product rows add up to "*"; and one
 * per white-label vendor (code WHITE_LABEL, the vendor), so the vendor rows add up to WHITE_LABEL's. Each:
 * [code, vendor, endpoints, remaining, endpoints verified, verified remaining, verification stale].
 */
export function productEntries(rows: readonly VerifiableRow[], now: Date, staleDays: number): Array<[string, string, number, number, number, number, boolean]> {
  const groups = new Map<string, VerifiableRow[]>();
  const add = (key: string, row: VerifiableRow) => {
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  };
  for (const row of rows) {
    add(`${row.productCode}\u0000`, row);
    if (row.productCode === 'WHITE_LABEL') add(`${row.productCode}\u0000${vendorKey(row)}`, row);
  }
  const entry = (code: string, vendor: string, list: readonly VerifiableRow[]): [string, string, number, number, number, number, boolean] => {
    const f = reportedAndVerified(list, now, staleDays);
    return [code, vendor, f.endpointsTotal, f.endpointsRemaining, f.verifiedTotal, f.verifiedRemaining, f.verificationStale];
  };
  return [
    entry(ALL_PRODUCTS, '', rows),
    ...[...groups.keys()].sort().map((k) => {
      const [code, vendor] = k.split('\u0000');
      return entry(code, vendor, groups.get(k)!);
    }),
  ];
}
