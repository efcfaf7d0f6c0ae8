/**
 * What a viewer may read of a programme's organisation counts, so that no figure about fewer than
 * SMALL_CELL organisations can be read, nor worked out from the figures that are shown.
 *
 * Everything a dashboard publishes about organisations is one set of linked tables over the same
 * organisations: the programme's total (organisations by status, verified, endpoints) and, for each
 * breakdown dimension, a row per key with the same figures. SRMA rows are sums of sector rows and
 * region rows sums of state rows, so dimensions come in families: a fine dimension and the coarse one
 * that groups it. A figure is small when it counts 1 to 4 organisations (0 is shown: it discloses
 * nobody). The rules, applied to every family alike:
 *
 *  - Total: fewer than SMALL_CELL organisations in all hides everything. A small status count is hidden,
 *    and then more (smallest first) until at least two are hidden and they hold more organisations than
 *    there are hidden counts (so "two hidden counts that add up to 2" cannot betray two ones). Verified is
 *    hidden when it, or the organisations not verified, is small.
 *  - Rows: a row of fewer than SMALL_CELL organisations is hidden whole. Hidden rows come at least two
 *    at a time with more organisations than rows, as above (else the smallest other row joins them),
 *    or else the total minus the rows shown would give them away.
 *  - Splits: a row shown whose status or verified split has a small figure shows its count and endpoints
 *    but hides its whole split. Hidden splits (and hidden rows) come at least two at a time: one alone
 *    is the total minus the other rows. A status hidden in the total hides the split of every row that
 *    holds one of it, so the rows cannot add it back up.
 *  - Families: a coarse row (an SRMA, a region) hides what any of its fine rows hides: its count when
 *    one is hidden whole, its split when one hides its split. When everything hidden lies under one
 *    coarse row and that row has a small figure, a row under another coarse row is hidden too, or the
 *    coarse row would be the total minus the other coarse rows.
 *
 * Dimensions that are not a coarsening of each other (sector and state, say) meet only in the total,
 * which every family is protected against; test/security.e2e-spec.ts checks the whole publication with
 * an attacker who solves every published figure exactly (rational arithmetic) for every hidden one.
 */
export const SMALL_CELL = 5;

type Dimension = 'SECTOR' | 'SRMA' | 'STATE' | 'REGION' | 'ENVIRONMENT';

/** Organisations alike in everything the figures count them by, with their endpoints. */
export interface OrganisationCell {
  keys: Record<Dimension, string>;
  status: string;
  verified: boolean;
  organisations: number;
  endpointsTotal: number;
  endpointsRemaining: number;
  /** What the ENVIRONMENT breakdown counts: OT endpoints for an organisation with an OT footprint, else all. */
  environmentEndpointsTotal: number;
  environmentEndpointsRemaining: number;
}

interface PublishedFigures {
  organisations: number | null;
  byStatus: Array<{ status: string; organisations: number | null }>;
  verified: number | null;
  endpointsTotal: number | null;
  endpointsRemaining: number | null;
}

interface PublishedRow extends PublishedFigures {
  key: string;
  /** The row's count is hidden (its split and endpoints with it). */
  suppressed: boolean;
}

export interface Publication {
  total: PublishedFigures;
  breakdowns: Record<Dimension, PublishedRow[]>;
}

const DIMENSIONS: Dimension[] = ['SECTOR', 'SRMA', 'STATE', 'REGION', 'ENVIRONMENT'];
const FAMILIES: Array<{ fine: Dimension; coarse: Dimension | null }> = [
  { fine: 'SECTOR', coarse: 'SRMA' },
  { fine: 'STATE', coarse: 'REGION' },
  { fine: 'ENVIRONMENT', coarse: null },
];

interface Tally {
  n: number;
  byStatus: Map<string, number>;
  verified: number;
  total: number;
  remaining: number;
}

/** How much of a row is shown. */
type Shown = 'all' | 'count' | 'nothing';

/** A count of 1 to SMALL_CELL - 1 organisations: what a viewer may not read (0 discloses nobody). */
export const isSmall = (n: number) => n > 0 && n < SMALL_CELL;

function tally(cells: readonly OrganisationCell[], environment = false): Tally {
  const t: Tally = { n: 0, byStatus: new Map(), verified: 0, total: 0, remaining: 0 };
  for (const c of cells) {
    t.n += c.organisations;
    t.byStatus.set(c.status, (t.byStatus.get(c.status) ?? 0) + c.organisations);
    if (c.verified) t.verified += c.organisations;
    t.total += environment ? c.environmentEndpointsTotal : c.endpointsTotal;
    t.remaining += environment ? c.environmentEndpointsRemaining : c.endpointsRemaining;
  }
  return t;
}

function rowsBy(cells: readonly OrganisationCell[], by: Dimension): Map<string, Tally> {
  const groups = new Map<string, OrganisationCell[]>();
  for (const c of cells) {
    const list = groups.get(c.keys[by]);
    if (list) list.push(c);
    else groups.set(c.keys[by], [c]);
  }
  return new Map([...groups].map(([k, list]) => [k, tally(list, by === 'ENVIRONMENT')]));
}

const splitIsSmall = (t: Tally, statuses: readonly string[]) =>
  statuses.some((s) => isSmall(t.byStatus.get(s) ?? 0)) || isSmall(t.verified) || isSmall(t.n - t.verified);

/** Hidden counts known to be at least 1 each, whose sum is known: safe when two or more share more than their number. */
const hiddenTogetherSafely = (values: number[]) => values.length === 0 || (values.length >= 2 && values.reduce((a, b) => a + b, 0) >= values.length + 1);

function figures(
  t: Tally,
  statuses: readonly string[],
  shown: Shown,
  hiddenStatuses: ReadonlySet<string> = new Set(),
  verifiedHidden = false,
): PublishedFigures {
  const count = shown !== 'nothing';
  const split = shown === 'all';
  return {
    organisations: count ? t.n : null,
    byStatus: statuses.map((status) => ({ status, organisations: split && !hiddenStatuses.has(status) ? (t.byStatus.get(status) ?? 0) : null })),
    verified: split && !verifiedHidden ? t.verified : null,
    endpointsTotal: count ? t.total : null,
    endpointsRemaining: count ? t.remaining : null,
  };
}

/** The figures a viewer reads: every figure, with small cells and what would give them away hidden. */
export function protect(cells: readonly OrganisationCell[], statuses: readonly string[]): Publication {
  const all = tally(cells);
  if (all.n < SMALL_CELL && all.n > 0) {
    const hidden = (by: Dimension) => [...rowsBy(cells, by)].map(([key, t]) => ({ key, suppressed: true, ...figures(t, statuses, 'nothing') }));
    return {
      total: figures(all, statuses, 'nothing'),
      breakdowns: Object.fromEntries(DIMENSIONS.map((by) => [by, hidden(by)])) as Record<Dimension, PublishedRow[]>,
    };
  }

  // the total's split
  const hiddenStatuses = new Set(statuses.filter((s) => isSmall(all.byStatus.get(s) ?? 0)));
  if (hiddenStatuses.size > 0) {
    const candidates = statuses
      .filter((s) => !hiddenStatuses.has(s) && (all.byStatus.get(s) ?? 0) > 0)
      .sort((a, b) => all.byStatus.get(a)! - all.byStatus.get(b)!);
    while (!hiddenTogetherSafely([...hiddenStatuses].map((s) => all.byStatus.get(s)!)) && candidates.length) hiddenStatuses.add(candidates.shift()!);
  }
  const verifiedHidden = isSmall(all.verified) || isSmall(all.n - all.verified);

  const breakdowns = {} as Record<Dimension, PublishedRow[]>;
  for (const { fine, coarse } of FAMILIES) {
    const rows = rowsBy(cells, fine);
    const groupOf = new Map(cells.map((c) => [c.keys[fine], coarse ? c.keys[coarse] : c.keys[fine]]));
    const coarseRows = coarse ? rowsBy(cells, coarse) : new Map<string, Tally>();
    const whole = new Set([...rows].filter(([, t]) => t.n < SMALL_CELL).map(([k]) => k));
    const split = new Set(
      [...rows]
        .filter(([k, t]) => !whole.has(k) && (splitIsSmall(t, statuses) || [...hiddenStatuses].some((s) => (t.byStatus.get(s) ?? 0) > 0)))
        .map(([k]) => k),
    );
    // the next row to hide: the smallest (then by key), optionally under another coarse row than `not`
    const smallest = (exclude: Set<string>, not?: string) =>
      [...rows]
        .filter(([k]) => !exclude.has(k) && (not === undefined || groupOf.get(k) !== not))
        .sort(([ka, a], [kb, b]) => a.n - b.n || ka.localeCompare(kb))[0]?.[0];

    for (;;) {
      if (!hiddenTogetherSafely([...whole].map((k) => rows.get(k)!.n))) {
        const next = smallest(whole);
        if (next === undefined) break;
        whole.add(next);
        split.delete(next);
        continue;
      }
      const block = new Set([...whole, ...split]);
      if (block.size === 1) {
        const next = smallest(block);
        if (next === undefined) break;
        split.add(next);
        continue;
      }
      if (coarse && coarseRows.size >= 2) {
        const wholeGroups = new Set([...whole].map((k) => groupOf.get(k)!));
        if (wholeGroups.size === 1) {
          const [g] = wholeGroups;
          const next = isSmall(coarseRows.get(g)!.n) ? smallest(whole, g) : undefined;
          if (next !== undefined) {
            whole.add(next);
            split.delete(next);
            continue;
          }
        }
        const blockGroups = new Set([...block].map((k) => groupOf.get(k)!));
        if (blockGroups.size === 1) {
          const [g] = blockGroups;
          const t = coarseRows.get(g)!;
          const next = isSmall(t.n) || splitIsSmall(t, statuses) ? smallest(block, g) : undefined;
          if (next !== undefined) {
            split.add(next);
            continue;
          }
        }
      }
      break;
    }

    const shownOf = (k: string): Shown => (whole.has(k) ? 'nothing' : split.has(k) ? 'count' : 'all');
    const publish = (dimension: Dimension, tallies: Map<string, Tally>, shown: (k: string) => Shown) =>
      [...tallies].map(([key, t]) => ({ key, suppressed: shown(key) === 'nothing', ...figures(t, statuses, shown(key)) }));
    breakdowns[fine] = publish(fine, rows, shownOf);
    if (coarse) {
      const under = (g: string) => [...rows.keys()].filter((k) => groupOf.get(k) === g);
      breakdowns[coarse] = publish(coarse, coarseRows, (g) => {
        const fineShown = under(g).map(shownOf);
        return fineShown.includes('nothing') ? 'nothing' : fineShown.includes('count') ? 'count' : 'all';
      });
    }
  }
  return { total: figures(all, statuses, 'all', hiddenStatuses, verifiedHidden), breakdowns };
}

/**
 * Breakdowns whose rows overlap: by product, and by white-label vendor (an organisation running two
 * products is in both rows). Organisations running none are in none, and any set of products is possible,
 * so no sum of rows' counts equals another published count: a row's counts can only be worked out from
 * the row's own figures (test/product-disclosure.spec.ts checks this with an exact attacker). Each row is
 * therefore protected as a total of its own (fewer than SMALL_CELL organisations hides it whole; a small
 * status count hides more until they are safe together; verified is hidden when it or the organisations
 * not verified are small). Endpoints do add up (each footprint row is of one product and one vendor: the
 * product rows add up to the programme's endpoints, the vendor rows to WHITE_LABEL's), so rows hidden
 * whole come at least two at a time with more organisations than rows, as the partition rows do.
 */
export interface OverlappingRowCells {
  key: string;
  /** The row's organisations, by status and removal verified; endpoints are the row's own (that product's). */
  cells: ReadonlyArray<Pick<OrganisationCell, 'status' | 'verified' | 'organisations' | 'endpointsTotal' | 'endpointsRemaining'>>;
}

export function protectOverlappingRows(rows: readonly OverlappingRowCells[], statuses: readonly string[]): PublishedRow[] {
  const tallies = rows.map((r) => ({
    key: r.key,
    t: tally(r.cells.map((c) => ({ ...c, keys: {} as Record<Dimension, string>, environmentEndpointsTotal: 0, environmentEndpointsRemaining: 0 }))),
  }));
  const whole = new Set(tallies.filter(({ t }) => t.n < SMALL_CELL).map(({ key }) => key));
  while (!hiddenTogetherSafely(tallies.filter(({ key }) => whole.has(key)).map(({ t }) => t.n))) {
    const next = tallies.filter(({ key }) => !whole.has(key)).sort((a, b) => a.t.n - b.t.n || a.key.localeCompare(b.key))[0];
    if (!next) break;
    whole.add(next.key);
  }
  return tallies.map(({ key, t }) => {
    if (whole.has(key)) return { key, suppressed: true, ...figures(t, statuses, 'nothing') };
    const hiddenStatuses = new Set(statuses.filter((s) => isSmall(t.byStatus.get(s) ?? 0)));
    if (hiddenStatuses.size > 0) {
      const candidates = statuses.filter((s) => !hiddenStatuses.has(s) && (t.byStatus.get(s) ?? 0) > 0).sort((a, b) => t.byStatus.get(a)! - t.byStatus.get(b)!);
      while (!hiddenTogetherSafely([...hiddenStatuses].map((s) => t.byStatus.get(s)!)) && candidates.length) hiddenStatuses.add(candidates.shift()!);
    }
    return { key, suppressed: false, ...figures(t, statuses, 'all', hiddenStatuses, isSmall(t.verified) || isSmall(t.n - t.verified)) };
  });
}
