/**
 * An attacker against the dashboards' small-cell protection. It takes every figure a viewer can read
 * (the summary and every breakdown row), and for every figure it was refused, works out with exact
 * arithmetic whether the figures it was given determine it.
 *
 * What it knows: the published figures; which keys the breakdowns list; which sector belongs to which
 * SRMA and which state to which region (public reference data); that counts and endpoints are never
 * negative, so a published 0 makes every combination under it 0. The unknowns are the organisations
 * of every combination of listed sector, state, environment, status and verified (and the endpoints
 * of every sector, state and environment); each published figure is an equation over them. A refused
 * figure is determined exactly when its equation is a linear combination of the published ones: the
 * attacker row-reduces the published equations over the integers (fraction-free, BigInt) and reduces
 * the refused one by them; a remainder of nothing means the figure is worked out by subtraction.
 */

export const DIMENSIONS = ['SECTOR', 'SRMA', 'STATE', 'REGION', 'ENVIRONMENT'] as const;
export type Dim = (typeof DIMENSIONS)[number];

export interface TruthOrganisation {
  sector: string;
  state: string;
  environment: 'IT' | 'OT';
  status: string;
  verified: boolean;
  endpointsTotal: number;
  /** OT endpoints (what the ENVIRONMENT breakdown counts for an organisation with an OT footprint) */
  otTotal: number;
}

export interface ViewedFigures {
  organisations: number | null;
  byStatus: Array<{ status: string; organisations: number | null }>;
  verified: number | null;
  endpointsTotal: number | null;
}
export type Viewed = { total: ViewedFigures; breakdowns: Record<Dim, Array<ViewedFigures & { key: string }>> };

export interface Hierarchy {
  srmaOf: Map<string, string>;
  regionOf: Map<string, string>;
}

export type Vec = Map<number, bigint>;

const abs = (x: bigint) => (x < 0n ? -x : x);
const gcd = (a: bigint, b: bigint): bigint => {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
};
const minKey = (v: Vec) => {
  let m = Infinity;
  for (const k of v.keys()) if (k < m) m = k;
  return m;
};

/** Row echelon basis over the integers: each row is kept under its lowest column, divided by its entries' gcd. */
export class Echelon {
  private readonly rows = new Map<number, Vec>();

  /** `v` with every column that leads a basis row eliminated in turn; empty when `v` is in the span. */
  reduce(input: Vec): Vec {
    let v: Vec = new Map(input);
    for (;;) {
      if (v.size === 0) return v;
      const c = minKey(v);
      const b = this.rows.get(c);
      if (!b) return v;
      // v := b[c]·v − v[c]·b, which clears column c (and every column below it stays clear)
      const bc = b.get(c)!;
      const vc = v.get(c)!;
      const next: Vec = new Map();
      for (const [k, x] of v) next.set(k, x * bc);
      for (const [k, x] of b) {
        const y = (next.get(k) ?? 0n) - vc * x;
        if (y === 0n) next.delete(k);
        else next.set(k, y);
      }
      let g = 0n;
      for (const x of next.values()) g = gcd(g, x);
      if (g > 1n) for (const [k, x] of next) next.set(k, x / g);
      v = next;
    }
  }

  add(v: Vec) {
    const r = this.reduce(v);
    if (r.size) this.rows.set(minKey(r), r);
  }
}

interface Figure {
  name: string;
  /** which unknowns it sums */
  test: (atom: Atom) => boolean;
  system: 'count' | 'endpoints';
  published: number | null;
  truth: number;
  /** a figure about a group of 1–4 organisations (for endpoints: the organisations whose endpoints they are) */
  sensitive: boolean;
}

interface Atom {
  sector: string;
  state: string;
  environment: string;
  status: string;
  verified: boolean;
  /** endpoints unknowns: 'total' (all endpoints) or 'ot' (OT endpoints) */
  kind?: 'total' | 'ot';
}

const isSmall = (n: number) => n > 0 && n < 5;

export interface AttackResult {
  published: number;
  refused: number;
  /** refused figures about 1–4 organisations that the attacker tried */
  sensitiveRefused: number;
  /** refused sensitive figures the published ones determine, with their value */
  disclosed: string[];
}

export function attack(viewed: Viewed, hierarchy: Hierarchy, truth: TruthOrganisation[], statuses: readonly string[]): AttackResult {
  const listed = (d: Dim) => viewed.breakdowns[d].map((r) => r.key);
  const sectors = listed('SECTOR');
  const states = listed('STATE');
  const environments = listed('ENVIRONMENT');
  const valueOf = (a: Pick<Atom, 'sector' | 'state' | 'environment'>, d: Dim) =>
    d === 'SECTOR'
      ? a.sector
      : d === 'SRMA'
        ? hierarchy.srmaOf.get(a.sector)!
        : d === 'STATE'
          ? a.state
          : d === 'REGION'
            ? hierarchy.regionOf.get(a.state)!
            : a.environment;

  const countAtoms: Atom[] = [];
  for (const sector of sectors)
    for (const state of states)
      for (const environment of environments)
        for (const status of statuses) for (const verified of [false, true]) countAtoms.push({ sector, state, environment, status, verified });
  const endpointAtoms: Atom[] = [];
  for (const sector of sectors)
    for (const state of states)
      for (const environment of environments) {
        endpointAtoms.push({ sector, state, environment, status: '', verified: false, kind: 'total' });
        if (environment === 'OT') endpointAtoms.push({ sector, state, environment, status: '', verified: false, kind: 'ot' });
      }

  const orgCount = (test: (a: Atom) => boolean) => truth.filter((o) => test({ ...o, kind: undefined })).length;
  const figures: Figure[] = [];
  const addFigures = (name: string, where: (a: Pick<Atom, 'sector' | 'state' | 'environment'>) => boolean, shown: ViewedFigures, environmentRow: boolean) => {
    const n = orgCount(where);
    figures.push({ name: `${name} organisations`, system: 'count', test: where, published: shown.organisations, truth: n, sensitive: isSmall(n) });
    for (const { status, organisations } of shown.byStatus) {
      const test = (a: Atom) => where(a) && a.status === status;
      const t = orgCount(test);
      figures.push({ name: `${name} ${status}`, system: 'count', test, published: organisations, truth: t, sensitive: isSmall(t) });
    }
    const verified = (a: Atom) => where(a) && a.verified;
    const notVerified = (a: Atom) => where(a) && !a.verified;
    const v = orgCount(verified);
    figures.push({ name: `${name} verified`, system: 'count', test: verified, published: shown.verified, truth: v, sensitive: isSmall(v) || isSmall(n - v) });
    // the organisations not verified are the count less verified: refused with it, and sensitive in their own right
    figures.push({
      name: `${name} not verified`,
      system: 'count',
      test: notVerified,
      published: shown.verified === null || shown.organisations === null ? null : shown.organisations - shown.verified,
      truth: n - v,
      sensitive: isSmall(n - v),
    });
    const ot = environmentRow && shown === viewed.breakdowns.ENVIRONMENT.find((r) => r.key === 'OT');
    const endpointTest = (a: Atom) => where(a) && (ot ? a.kind === 'ot' : a.kind === 'total');
    const endpoints = truth.filter((o) => where(o)).reduce((s, o) => s + (ot ? o.otTotal : o.endpointsTotal), 0);
    figures.push({
      name: `${name} endpoints`,
      system: 'endpoints',
      test: endpointTest,
      published: shown.endpointsTotal,
      truth: endpoints,
      sensitive: isSmall(n) && endpoints > 0,
    });
  };
  addFigures('total', () => true, viewed.total, false);
  for (const d of DIMENSIONS) for (const row of viewed.breakdowns[d]) addFigures(`${d} ${row.key}`, (a) => valueOf(a, d) === row.key, row, d === 'ENVIRONMENT');

  const result: AttackResult = { published: 0, refused: 0, sensitiveRefused: 0, disclosed: [] };
  for (const system of ['count', 'endpoints'] as const) {
    const atoms = system === 'count' ? countAtoms : endpointAtoms;
    const mine = figures.filter((f) => f.system === system);
    // a published 0 is a sum of non-negative unknowns: each of them is 0
    const zero = new Set<number>();
    for (const f of mine) if (f.published === 0) atoms.forEach((a, i) => f.test(a) && zero.add(i));
    const vector = (f: Figure): Vec => {
      const v: Vec = new Map();
      atoms.forEach((a, i) => f.test(a) && !zero.has(i) && v.set(i, 1n));
      return v;
    };
    const basis = new Echelon();
    for (const f of mine.filter((x) => x.published !== null)) {
      basis.add(vector(f));
      result.published += 1;
    }
    for (const f of mine.filter((x) => x.published === null)) {
      result.refused += 1;
      if (!f.sensitive) continue;
      result.sensitiveRefused += 1;
      if (basis.reduce(vector(f)).size === 0) result.disclosed.push(`${f.name} = ${f.truth}`);
    }
  }
  return result;
}

/** What primary suppression alone publishes (every figure under 5 hidden, nothing more): the attacker's baseline. */
export function primaryOnly(truth: TruthOrganisation[], hierarchy: Hierarchy, statuses: readonly string[]): Viewed {
  const figuresOf = (orgs: TruthOrganisation[], ot = false): ViewedFigures => {
    const n = orgs.length;
    const v = orgs.filter((o) => o.verified).length;
    const hidden = isSmall(n);
    return {
      organisations: hidden ? null : n,
      byStatus: statuses.map((status) => {
        const c = orgs.filter((o) => o.status === status).length;
        return { status, organisations: hidden || isSmall(c) ? null : c };
      }),
      verified: hidden || isSmall(v) || isSmall(n - v) ? null : v,
      endpointsTotal: hidden ? null : orgs.reduce((s, o) => s + (ot ? o.otTotal : o.endpointsTotal), 0),
    };
  };
  const keyOf = (o: TruthOrganisation, d: Dim) =>
    d === 'SECTOR'
      ? o.sector
      : d === 'SRMA'
        ? hierarchy.srmaOf.get(o.sector)!
        : d === 'STATE'
          ? o.state
          : d === 'REGION'
            ? hierarchy.regionOf.get(o.state)!
            : o.environment;
  const breakdowns = Object.fromEntries(
    DIMENSIONS.map((d) => {
      const keys = [...new Set(truth.map((o) => keyOf(o, d)))].sort();
      return [
        d,
        keys.map((key) => ({
          key,
          ...figuresOf(
            truth.filter((o) => keyOf(o, d) === key),
            d === 'ENVIRONMENT' && key === 'OT',
          ),
        })),
      ];
    }),
  ) as Viewed['breakdowns'];
  return { total: figuresOf(truth), breakdowns };
}
