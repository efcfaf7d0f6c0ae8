import { DataSource } from 'typeorm';
import { CISA_REGIONS, KASPERSKY_2024_PROGRAMME, PRODUCTS, SECTORS, SECTORS_VALID_FROM, STATE_NAMES } from './reference-data';

/**
 * Loads reference data on an empty or partly loaded database. Existing rows are left alone, so an
 * administrator's later edit of a date or an agency is never overwritten by a restart.
 */
export async function seedReferenceData(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO sector (code, name, srma, valid_from)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [SECTORS.map((s) => s.code), SECTORS.map((s) => s.name), SECTORS.map((s) => s.srma), SECTORS.map(() => SECTORS_VALID_FROM)],
    );
    await manager.query(
      `INSERT INTO cisa_region (region, office) SELECT * FROM unnest($1::smallint[], $2::text[]) ON CONFLICT DO NOTHING`,
      [CISA_REGIONS.map((r) => r.region), CISA_REGIONS.map((r) => r.office)],
    );
    const states = CISA_REGIONS.flatMap((r) => r.states.map((code) => ({ code, region: r.region, name: STATE_NAMES[code] })));
    await manager.query(
      `INSERT INTO us_state (code, name, region) SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[]) ON CONFLICT DO NOTHING`,
      [states.map((s) => s.code), states.map((s) => s.name), states.map((s) => s.region)],
    );
    await manager.query(
      `INSERT INTO product (code, name, family, kind) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [PRODUCTS.map((p) => p.code), PRODUCTS.map((p) => p.name), PRODUCTS.map((p) => p.family), PRODUCTS.map((p) => p.kind)],
    );
    const p = KASPERSKY_2024_PROGRAMME;
    await manager.query(
      `INSERT INTO programme (key, name, regulation, announced, published, new_business_cutoff, updates_cutoff, milestone_plan, reminder_ladder, stale_report_days)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (key) DO NOTHING`,
      [p.key, p.name, p.regulation, p.announced, p.published, p.newBusinessCutoff, p.updatesCutoff,
        JSON.stringify(p.milestonePlan), JSON.stringify(p.reminderLadder), p.staleReportDays],
    );
  });
}
