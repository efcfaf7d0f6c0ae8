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
    await manager.query(`INSERT INTO cisa_region (region, office) SELECT * FROM unnest($1::smallint[], $2::text[]) ON CONFLICT DO NOTHING`, [
      CISA_REGIONS.map((r) => r.region),
      CISA_REGIONS.map((r) => r.office),
    ]);
    const states = CISA_REGIONS.flatMap((r) => r.states.map((code) => ({ code, region: r.region, name: STATE_NAMES[code] })));
    await manager.query(`INSERT INTO us_state (code, name, region) SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[]) ON CONFLICT DO NOTHING`, [
      states.map((s) => s.code),
      states.map((s) => s.name),
      states.map((s) => s.region),
    ]);
    const p = KASPERSKY_2024_PROGRAMME;
    await manager.query(
      `INSERT INTO programme (key, name, regulation, announced, published, new_business_cutoff, updates_cutoff, milestone_plan, reminder_ladder, stale_report_days, rules, wording)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (key) DO NOTHING`,
      [
        p.key,
        p.name,
        p.regulation,
        p.announced,
        p.published,
        p.newBusinessCutoff,
        p.updatesCutoff,
        JSON.stringify(p.milestonePlan),
        JSON.stringify(p.reminderLadder),
        p.staleReportDays,
        JSON.stringify(p.rules),
        JSON.stringify(p.wording),
      ],
    );
    // a database from before programmes carried their rules: the seeded programme gets them once
    await manager.query(
      `UPDATE programme SET rules = coalesce(rules, $2::jsonb), wording = coalesce(wording, $3::jsonb) WHERE key = $1 AND (rules IS NULL OR wording IS NULL)`,
      [p.key, JSON.stringify(p.rules), JSON.stringify(p.wording)],
    );
    await manager.query(
      `INSERT INTO product (code, name, family, kind, programme_id)
       SELECT t.*, (SELECT id FROM programme WHERE key = $5) FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t ON CONFLICT DO NOTHING`,
      [PRODUCTS.map((p) => p.code), PRODUCTS.map((p) => p.name), PRODUCTS.map((p) => p.family), PRODUCTS.map((p) => p.kind), p.key],
    );
    // the catalogue loaded before products belonged to a programme is the seeded programme's
    await manager.query(`UPDATE product SET programme_id = (SELECT id FROM programme WHERE key = $1) WHERE programme_id IS NULL AND code = ANY($2::text[])`, [
      p.key,
      PRODUCTS.map((x) => x.code),
    ]);
  });
}
