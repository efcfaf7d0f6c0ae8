import fc from 'fast-check';
import { protectOverlappingRows } from '@libs/domain/disclosure/small-cells';
import { attackProducts, primaryOnlyRows, ProductRowSeen, ProductTruth } from './support/product-disclosure-attacker';
import { newFootprint, newOrganisation, newToken } from './support/factories';
import { ok, startServer, TestServer } from './support/server';

const STATUSES = ['COMPLETE', 'ON_TRACK', 'AT_RISK', 'OVERDUE', 'NOT_REPORTING'];
const PRODUCTS = ['P1', 'P2', 'P3', 'WHITE_LABEL'];
const VENDORS = ['V1', 'V2', 'V3'];

const inProduct = (o: ProductTruth, key: string) => (key === 'WHITE_LABEL' ? Object.keys(o.vendors).length > 0 : key in o.products);
const productEndpoints = (o: ProductTruth, key: string) =>
  key === 'WHITE_LABEL' ? Object.values(o.vendors).reduce((a, b) => a + b, 0) : (o.products[key] ?? 0);
const inVendor = (o: ProductTruth, key: string) => key in o.vendors;
const vendorEndpoints = (o: ProductTruth, key: string) => o.vendors[key] ?? 0;

/** The pure rule's rows for a set of organisations, as a viewer reads them. */
function published(keys: readonly string[], inRow: typeof inProduct, endpoints: typeof productEndpoints, truth: ProductTruth[]): ProductRowSeen[] {
  return protectOverlappingRows(
    keys
      .filter((k) => truth.some((o) => inRow(o, k)))
      .map((key) => ({
        key,
        cells: truth
          .filter((o) => inRow(o, key))
          .map((o) => ({ status: o.status, verified: o.verified, organisations: 1, endpointsTotal: endpoints(o, key), endpointsRemaining: 0 })),
      })),
    STATUSES,
  );
}

const organisationArb = fc.record({
  status: fc.constantFrom('ON_TRACK', 'ON_TRACK', 'ON_TRACK', 'AT_RISK', 'AT_RISK', 'COMPLETE', 'OVERDUE', 'NOT_REPORTING'),
  verified: fc.boolean(),
  // skewed: P1 common, the others rarer, so rows of 1 to 4 organisations are frequent
  products: fc
    .record({ P1: fc.integer({ min: 1, max: 300 }), P2: fc.integer({ min: 1, max: 50 }), P3: fc.integer({ min: 1, max: 20 }) }, { requiredKeys: [] })
    .chain((p) => fc.constant(Object.fromEntries(Object.entries(p).filter(([k]) => k === 'P1' || (p[k as 'P1'] ?? 0) % 3 === 0)))),
  vendors: fc.record({ V1: fc.integer({ min: 1, max: 9 }), V2: fc.integer({ min: 1, max: 9 }), V3: fc.integer({ min: 1, max: 9 }) }, { requiredKeys: [] }),
});

describe('security: the product and white-label vendor breakdowns give no small cell away', () => {
  it('the attacker recovers small figures from primary suppression alone, and none from the protected rows, on 200 random data sets', () => {
    let baseline = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(organisationArb, { minLength: 5, maxLength: 40 }), (truth) => {
        const naive = attackProducts(
          primaryOnlyRows(PRODUCTS, inProduct, productEndpoints, truth, STATUSES),
          primaryOnlyRows(VENDORS, inVendor, vendorEndpoints, truth, STATUSES),
          truth,
          STATUSES,
          PRODUCTS,
          VENDORS,
        );
        baseline += naive.disclosed.length;
        const result = attackProducts(
          published(PRODUCTS, inProduct, productEndpoints, truth),
          published(VENDORS, inVendor, vendorEndpoints, truth),
          truth,
          STATUSES,
          PRODUCTS,
          VENDORS,
        );
        refused += result.sensitiveRefused;
        expect(result.disclosed).toEqual([]);
      }),
      { numRuns: 200, seed: 20261218 },
    );
    // the attacker is not blind: against primary suppression alone it recovers small figures (a lone hidden row's endpoints)
    expect(baseline).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(500);
  });

  describe('against the API', () => {
    let server: TestServer;
    let viewer: string;
    const truth: ProductTruth[] = [];
    // product codes of the seeded catalogue standing for P1-P3
    const CODE: Record<string, string> = { P1: 'KES_ADVANCED', P2: 'KICS_NODES', P3: 'KSC' };

    beforeAll(async () => {
      server = await startServer({ now: '2024-08-20T15:00:00.000Z' });
      viewer = (await newToken(server, { role: 'viewer' })).token;
      // 11 organisations: KES everywhere; KICS at 6; KSC at 1 (a lone small row: its endpoints would be the total less the others);
      // white-label engines from V1 at 5 and V2 at 1 (a lone small vendor: WHITE_LABEL less V1)
      const plan: Array<[string, Record<string, number>, Record<string, number>]> = [];
      for (let i = 0; i < 11; i += 1) {
        const products: Record<string, number> = { P1: 20 + i * 7 };
        if (i < 6) products.P2 = 3 + i;
        if (i === 6) products.P3 = 4;
        const vendors: Record<string, number> = {};
        if (i >= 5 && i < 10) vendors.V1 = 2 + i;
        if (i === 10) vendors.V2 = 9;
        plan.push([i % 4 === 0 ? 'AT_RISK' : 'ON_TRACK', products, vendors]);
      }
      const ids: string[] = [];
      for (const [status, products, vendors] of plan) {
        const org = await newOrganisation(server, { name: `Product Disclosure ${ids.length + 1}`, primarySector: 'ENERGY' });
        ids.push(org.id);
        for (const [p, n] of Object.entries(products))
          await newFootprint(server, org.id, { productCode: CODE[p], environment: p === 'P2' ? 'OT' : 'IT', endpointCount: n });
        for (const [v, n] of Object.entries(vendors))
          await newFootprint(server, org.id, {
            productCode: 'WHITE_LABEL',
            productName: 'Mail filter',
            vendor: v,
            environment: 'MAIL_GATEWAY',
            endpointCount: n,
          });
        truth.push({ status, verified: ids.length % 2 === 0, products, vendors });
      }
      // the statuses this test needs, set as they are stored (the cells follow by their triggers)
      // (some verified: with none verified anywhere, a published 0 would tell every row's verified count)
      await server.sql(
        `UPDATE organisation_status s SET status = t.status, removal_verified = t.verified FROM unnest($1::uuid[], $2::text[], $3::boolean[]) AS t(id, status, verified) WHERE s.organisation_id = t.id`,
        [ids, truth.map((o) => o.status), truth.map((o) => o.verified)],
      );
    });
    afterAll(async () => server?.stop());

    it("publishes to a viewer the pure rule's rows, from which the attacker works out nothing small", async () => {
      const q = (by: string) =>
        `${by}: breakdown(by: ${by}) { key suppressed organisations byStatus { status organisations } verified endpointsTotal endpointsVerified reportsStale }`;
      const seen = ok(await server.gql(`{ ${q('PRODUCT')} ${q('WHITE_LABEL_VENDOR')} }`, {}, viewer));
      const asTruthKeys = (rows: any[], keys: Record<string, string>) => rows.map((r) => ({ ...r, key: keys[r.key] ?? r.key }));
      const back = Object.fromEntries(Object.entries(CODE).map(([k, v]) => [v, k]));
      const products: ProductRowSeen[] = asTruthKeys(seen.PRODUCT, back);
      const vendors: ProductRowSeen[] = seen.WHITE_LABEL_VENDOR;
      // the lone KSC row and the lone V2 vendor are hidden, and with each another row, so neither is the total less the others
      expect(
        products
          .filter((r: any) => r.suppressed)
          .map((r) => r.key)
          .sort(),
      ).toEqual(['P2', 'P3']);
      // a vendor's name is free text an organisation typed: a vendor row hidden whole is left out, not listed with nulls
      expect(vendors).toEqual([]);
      for (const r of [...seen.PRODUCT, ...seen.WHITE_LABEL_VENDOR]) expect(r).toMatchObject({ endpointsVerified: null, reportsStale: null });
      const sortByKey = (rows: any[]) =>
        [...rows]
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((r) => ({
            key: r.key,
            organisations: r.organisations,
            verified: r.verified,
            endpointsTotal: r.endpointsTotal,
            byStatus: r.byStatus.map((b: any) => b.organisations),
          }));
      expect(sortByKey(products)).toEqual(sortByKey(published(PRODUCTS, inProduct, productEndpoints, truth)));
      expect(sortByKey(vendors)).toEqual(sortByKey(published(VENDORS, inVendor, vendorEndpoints, truth).filter((r) => r.organisations !== null)));

      const naive = attackProducts(
        primaryOnlyRows(PRODUCTS, inProduct, productEndpoints, truth, STATUSES),
        primaryOnlyRows(VENDORS, inVendor, vendorEndpoints, truth, STATUSES),
        truth,
        STATUSES,
        PRODUCTS,
        VENDORS,
      );
      const result = attackProducts(products, vendors, truth, STATUSES, PRODUCTS, VENDORS);
      console.log(
        `SECURITY product rows | organisations=${truth.length} | primary suppression alone: ${naive.disclosed.length} recovered (${naive.disclosed.join('; ')}) | protected: published=${result.published} small refused=${result.sensitiveRefused} recovered=${result.disclosed.length}`,
      );
      expect(naive.disclosed.length).toBeGreaterThan(0);
      expect(result.sensitiveRefused).toBeGreaterThan(3);
      expect(result.disclosed).toEqual([]);
      expect(await server.sql(`SELECT * FROM dashboard_cell_differences()`)).toEqual([]);
    });
  });
});
