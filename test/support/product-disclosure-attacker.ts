import { Echelon, Vec } from './disclosure-attacker';

/**
 * An attacker against the viewer's product and white-label vendor breakdowns (rows that overlap: an
 * organisation with two products is in two rows). What it knows: every figure of those rows a viewer
 * reads, and, to be stronger than a viewer, the programme's total figures exactly (organisations, by
 * status, verified, endpoints). The unknowns are the organisations of every combination of status,
 * verified, set of products (any set, the empty one included: organisations with no footprint) and set
 * of white-label vendors (not empty exactly when the set holds WHITE_LABEL: each white-label row names
 * its vendor); and the endpoints of each product but WHITE_LABEL and of each vendor (each footprint row
 * is of one product, and a white-label row of one vendor, so the product rows' endpoints add up to the
 * total and the vendor rows' to WHITE_LABEL's). A refused figure is worked out exactly when its equation
 * is a linear combination of the published ones (exact integer row reduction, as in disclosure-attacker).
 */

export interface ProductTruth {
  status: string;
  verified: boolean;
  /** endpoints per product code; WHITE_LABEL's are given per vendor instead */
  products: Record<string, number>;
  vendors: Record<string, number>;
}

export interface ProductRowSeen {
  key: string;
  organisations: number | null;
  byStatus: Array<{ status: string; organisations: number | null }>;
  verified: number | null;
  endpointsTotal: number | null;
}

const isSmall = (n: number) => n > 0 && n < 5;

interface Atom {
  status: string;
  verified: boolean;
  products: Set<string>;
  vendors: Set<string>;
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, x) => all.concat(all.map((s) => [...s, x])), [[]]);
}

export interface ProductAttackResult {
  published: number;
  sensitiveRefused: number;
  disclosed: string[];
}

export function attackProducts(
  products: ProductRowSeen[],
  vendors: ProductRowSeen[],
  truth: ProductTruth[],
  statuses: readonly string[],
  productKeys: readonly string[],
  vendorKeys: readonly string[],
): ProductAttackResult {
  const countAtoms: Atom[] = [];
  for (const status of statuses)
    for (const verified of [false, true])
      for (const ps of subsets(productKeys)) {
        const withWl = ps.includes('WHITE_LABEL');
        for (const vs of withWl ? subsets(vendorKeys).filter((s) => s.length > 0) : [[]])
          countAtoms.push({ status, verified, products: new Set(ps), vendors: new Set(vs) });
      }
  const orgOf = (o: ProductTruth): Atom => ({
    status: o.status,
    verified: o.verified,
    products: new Set([...Object.keys(o.products), ...(Object.keys(o.vendors).length ? ['WHITE_LABEL'] : [])]),
    vendors: new Set(Object.keys(o.vendors)),
  });
  const orgs = truth.map(orgOf);
  // endpoint unknowns: one per product but WHITE_LABEL, one per vendor
  const endpointAtoms = [...productKeys.filter((p) => p !== 'WHITE_LABEL').map((p) => `p:${p}`), ...vendorKeys.map((v) => `v:${v}`)];
  const endpointsOf = (o: ProductTruth, atom: string) => (atom.startsWith('p:') ? (o.products[atom.slice(2)] ?? 0) : (o.vendors[atom.slice(2)] ?? 0));

  interface Figure {
    name: string;
    system: 'count' | 'endpoints';
    test: (i: number) => boolean;
    published: number | null;
    truth: number;
    sensitive: boolean;
  }
  const figures: Figure[] = [];
  const addCounts = (
    name: string,
    inRow: (a: Atom) => boolean,
    seen: { organisations: number | null; byStatus: Array<{ status: string; organisations: number | null }>; verified: number | null },
  ) => {
    const n = orgs.filter(inRow).length;
    figures.push({
      name: `${name} organisations`,
      system: 'count',
      test: (i) => inRow(countAtoms[i]),
      published: seen.organisations,
      truth: n,
      sensitive: isSmall(n),
    });
    for (const { status, organisations } of seen.byStatus) {
      const t = orgs.filter((a) => inRow(a) && a.status === status).length;
      figures.push({
        name: `${name} ${status}`,
        system: 'count',
        test: (i) => inRow(countAtoms[i]) && countAtoms[i].status === status,
        published: organisations,
        truth: t,
        sensitive: isSmall(t),
      });
    }
    const v = orgs.filter((a) => inRow(a) && a.verified).length;
    figures.push({
      name: `${name} verified`,
      system: 'count',
      test: (i) => inRow(countAtoms[i]) && countAtoms[i].verified,
      published: seen.verified,
      truth: v,
      sensitive: isSmall(v) || isSmall(n - v),
    });
    figures.push({
      name: `${name} not verified`,
      system: 'count',
      test: (i) => inRow(countAtoms[i]) && !countAtoms[i].verified,
      published: seen.verified === null || seen.organisations === null ? null : seen.organisations - seen.verified,
      truth: n - v,
      sensitive: isSmall(n - v),
    });
    return n;
  };
  const addEndpoints = (name: string, atoms: string[], published: number | null, n: number) => {
    const value = truth.reduce((s, o) => s + atoms.reduce((x, a) => x + endpointsOf(o, a), 0), 0);
    figures.push({
      name: `${name} endpoints`,
      system: 'endpoints',
      test: (i) => atoms.includes(endpointAtoms[i]),
      published,
      truth: value,
      sensitive: isSmall(n) && value > 0,
    });
  };

  // the total, known exactly
  const total = {
    organisations: truth.length,
    verified: truth.filter((o) => o.verified).length,
    byStatus: statuses.map((status) => ({ status, organisations: truth.filter((o) => o.status === status).length })),
  };
  addCounts('total', () => true, total);
  addEndpoints(
    'total',
    endpointAtoms,
    truth.reduce((s, o) => s + endpointAtoms.reduce((x, a) => x + endpointsOf(o, a), 0), 0),
    truth.length,
  );
  for (const row of products) {
    const n = addCounts(`product ${row.key}`, (a) => a.products.has(row.key), row);
    addEndpoints(`product ${row.key}`, row.key === 'WHITE_LABEL' ? vendorKeys.map((v) => `v:${v}`) : [`p:${row.key}`], row.endpointsTotal, n);
  }
  for (const row of vendors) {
    const n = addCounts(`vendor ${row.key}`, (a) => a.vendors.has(row.key), row);
    addEndpoints(`vendor ${row.key}`, [`v:${row.key}`], row.endpointsTotal, n);
  }

  const result: ProductAttackResult = { published: 0, sensitiveRefused: 0, disclosed: [] };
  for (const system of ['count', 'endpoints'] as const) {
    const size = system === 'count' ? countAtoms.length : endpointAtoms.length;
    const mine = figures.filter((f) => f.system === system);
    const zero = new Set<number>();
    for (const f of mine) if (f.published === 0) for (let i = 0; i < size; i += 1) if (f.test(i)) zero.add(i);
    const vector = (f: Figure): Vec => {
      const v: Vec = new Map();
      for (let i = 0; i < size; i += 1) if (f.test(i) && !zero.has(i)) v.set(i, 1n);
      return v;
    };
    const basis = new Echelon();
    for (const f of mine.filter((x) => x.published !== null)) {
      basis.add(vector(f));
      result.published += 1;
    }
    for (const f of mine.filter((x) => x.published === null && x.sensitive)) {
      result.sensitiveRefused += 1;
      if (basis.reduce(vector(f)).size === 0) result.disclosed.push(`${f.name} = ${f.truth}`);
    }
  }
  return result;
}

/** What primary suppression alone publishes of the rows (a row of 1-4 hidden whole, a split figure of 1-4 hidden): the baseline. */
export function primaryOnlyRows(
  keys: readonly string[],
  inRow: (o: ProductTruth, key: string) => boolean,
  endpoints: (o: ProductTruth, key: string) => number,
  truth: ProductTruth[],
  statuses: readonly string[],
): ProductRowSeen[] {
  return keys
    .filter((k) => truth.some((o) => inRow(o, k)))
    .map((key) => {
      const mine = truth.filter((o) => inRow(o, key));
      const n = mine.length;
      const v = mine.filter((o) => o.verified).length;
      const hidden = isSmall(n);
      return {
        key,
        organisations: hidden ? null : n,
        byStatus: statuses.map((status) => {
          const c = mine.filter((o) => o.status === status).length;
          return { status, organisations: hidden || isSmall(c) ? null : c };
        }),
        verified: hidden || isSmall(v) || isSmall(n - v) ? null : v,
        endpointsTotal: hidden ? null : mine.reduce((s, o) => s + endpoints(o, key), 0),
      };
    });
}
