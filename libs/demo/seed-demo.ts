import { DataSource } from 'typeorm';
import type { Clock } from '@libs/core/clock/clock';
import { CISA_REGIONS, KASPERSKY_2024_PROGRAMME, PRODUCTS, SECTORS } from '@libs/reference/reference-data';
import { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import type { MilestoneState } from '@libs/domain/status/derive-status';
import { StatusService } from '@libs/status/status.service';

/** Small deterministic PRNG (mulberry32): the same demo set on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
}

const NAMES = [
  'Riverside',
  'Summit',
  'Prairie',
  'Harbor',
  'Granite',
  'Lakeshore',
  'Pioneer',
  'Cascade',
  'Liberty',
  'Red Rock',
  'Bluegrass',
  'Coastal',
  'Valley',
  'Northern',
  'Southern',
  'Tri-County',
];
const KINDS: Record<string, string[]> = {
  CHEMICAL: ['Chemical Works', 'Polymers'],
  COMMERCIAL_FACILITIES: ['Arena', 'Convention Center'],
  COMMUNICATIONS: ['Telecom', 'Broadband'],
  CRITICAL_MANUFACTURING: ['Turbine Works', 'Metals'],
  DAMS: ['Dam Authority', 'Hydro District'],
  DEFENSE_INDUSTRIAL_BASE: ['Aerospace', 'Defense Systems'],
  EMERGENCY_SERVICES: ['Fire District', 'EMS'],
  ENERGY: ['Electric Cooperative', 'Power & Light'],
  FINANCIAL_SERVICES: ['Credit Union', 'Savings Bank'],
  FOOD_AGRICULTURE: ['Grain Cooperative', 'Dairy'],
  GOVERNMENT_FACILITIES: ['County Government', 'City Hall'],
  HEALTHCARE_PUBLIC_HEALTH: ['Medical Center', 'Health System'],
  INFORMATION_TECHNOLOGY: ['Data Centers', 'Managed Services'],
  NUCLEAR: ['Nuclear Station', 'Isotopes'],
  TRANSPORTATION: ['Transit Authority', 'Port Authority'],
  WATER: ['Water Utility', 'Wastewater District'],
};
const REPLACEMENTS = ['Microsoft Defender for Endpoint', 'CrowdStrike Falcon', 'SentinelOne Singularity', 'Sophos Intercept X', 'ESET PROTECT', 'UltraAV'];
const WHITE_LABEL = [
  { vendor: 'Example Networks', product: 'Edge Firewall AV module' },
  { vendor: 'Acme Mail Systems', product: 'Mail Gateway anti-malware' },
  { vendor: 'Nimbus Security', product: 'UTM appliance' },
];
const STATES = CISA_REGIONS.flatMap((r) => r.states);
const DAY = 86_400_000;

/**
 * A realistic demo set: 20 organisations per sector across every state and territory, IT and OT
 * footprints, white-label engines, and milestones in every state. Only on an empty database.
 */
export async function seedDemo(dataSource: DataSource, clock: Clock, perSector = 20): Promise<{ organisations: number }> {
  const existing = await dataSource.query(`SELECT count(*)::int AS n FROM organisation`);
  if (existing[0].n > 0) return { organisations: 0 };
  const [programme] = await dataSource.query(`SELECT * FROM programme WHERE key = $1`, [KASPERSKY_2024_PROGRAMME.key]);
  const plan = programme.milestone_plan as typeof KASPERSKY_2024_PROGRAMME.milestonePlan;
  const cutoff = new Date(programme.updates_cutoff).getTime();
  const now = clock.now();
  const r = prng(2024_09_29);
  const catalogue = PRODUCTS.filter((p) => p.kind === 'CATALOGUE');

  const orgs: any[] = [];
  const contacts: any[] = [];
  const footprint: any[] = [];
  const milestones: any[] = [];
  const extensions: any[] = [];
  let n = 0;
  for (const sector of SECTORS) {
    for (let i = 0; i < perSector; i++, n++) {
      const id = r.uuid();
      const state = STATES[n % STATES.length];
      const name = `${r.pick(NAMES)} ${r.pick(KINDS[sector.code])} ${n + 1}`;
      const created = new Date(cutoff - r.int(90, 120) * DAY);
      // progress: how many plan steps are done (0..7); a few verified complete, a few that never report
      const progress = r.int(0, plan.length);
      const verified = progress === plan.length && r.next() < 0.7;
      const silent = r.next() < 0.08;
      const lastReported = silent ? null : new Date(Math.max(created.getTime(), now.getTime() - r.int(0, 45) * DAY));
      orgs.push({
        id,
        external_key: `DEMO-${sector.code.slice(0, 4)}-${String(n + 1).padStart(4, '0')}`,
        name,
        primary_sector_code: sector.code,
        secondary_sector_codes: r.next() < 0.15 ? [r.pick(SECTORS.filter((s) => s.code !== sector.code)).code] : [],
        state_code: state,
        size_band: r.pick(['SMALL', 'MEDIUM', 'LARGE', 'VERY_LARGE']),
        criticality_tier: r.int(1, 4),
        last_reported_at: lastReported,
        created_at: created,
        updated_at: created,
      });
      const domain = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      contacts.push({
        organisation_id: id,
        role: 'PRIMARY',
        name: 'Primary Contact',
        email: `it@${domain}.example`,
        time_zone: 'America/New_York',
        created_at: created,
      });
      contacts.push({
        organisation_id: id,
        role: 'EXECUTIVE',
        name: 'Chief Executive',
        email: `ceo@${domain}.example`,
        time_zone: 'America/Chicago',
        created_at: created,
      });

      const hasOt = ['ENERGY', 'WATER', 'DAMS', 'NUCLEAR', 'CHEMICAL', 'CRITICAL_MANUFACTURING', 'TRANSPORTATION'].includes(sector.code) && r.next() < 0.6;
      const rows = r.int(1, 3);
      const remainingShare = verified ? 0 : progress >= 6 ? 0 : progress >= 5 ? r.next() * 0.3 : progress >= 3 ? 0.5 + r.next() * 0.5 : 1;
      for (let k = 0; k < rows + (hasOt ? 1 : 0); k++) {
        const isOt = hasOt && k === rows;
        const whiteLabel = !isOt && r.next() < 0.12;
        const product = isOt
          ? r.pick(catalogue.filter((p) => p.family === 'Industrial'))
          : whiteLabel
            ? PRODUCTS.find((p) => p.kind === 'WHITE_LABEL')!
            : r.pick(catalogue.filter((p) => p.family !== 'Industrial'));
        const wl = whiteLabel ? r.pick(WHITE_LABEL) : null;
        const count = isOt ? r.int(5, 80) : r.int(10, 2500);
        const remaining = Math.round(count * remainingShare);
        footprint.push({
          id: r.uuid(),
          organisation_id: id,
          programme_id: programme.id,
          product_code: product.code,
          product_name: wl?.product ?? null,
          vendor: wl?.vendor ?? null,
          white_label_confidence: wl ? r.pick(['CONFIRMED', 'SUSPECTED', 'UNKNOWN']) : null,
          environment: isOt ? 'OT' : whiteLabel ? 'MAIL_GATEWAY' : r.pick(['IT', 'IT', 'IT', 'CLOUD']),
          endpoint_count: count,
          endpoints_remaining: remaining,
          update_channel: isOt ? 'OFFLINE' : r.pick(['DIRECT', 'SECURITY_CENTER']),
          licence_end: new Date(cutoff + r.int(-200, 400) * DAY).toISOString().slice(0, 10),
          replacement_product: progress >= 2 ? r.pick(REPLACEMENTS) : null,
          replacement_chosen_by_organisation: progress >= 2 ? r.next() < 0.85 : null,
          created_at: created,
        });
      }
      for (const track of hasOt ? ['IT', 'OT'] : ['IT']) {
        plan.forEach((step, position) => {
          const target = new Date(cutoff + (track === 'OT' ? step.otOffsetDays : step.itOffsetDays) * DAY);
          const trackProgress = track === 'OT' ? Math.max(0, progress - 1) : progress;
          let state: MilestoneState =
            position < trackProgress ? 'DONE' : position === trackProgress ? r.pick(['IN_PROGRESS', 'NOT_STARTED', 'BLOCKED'] as const) : 'NOT_STARTED';
          if (state === 'DONE' && !verified && position === plan.length - 1 && r.next() < 0.5) state = 'IN_PROGRESS';
          const verifiedAt = state === 'DONE' && (verified || r.next() < 0.4) ? new Date(Math.min(target.getTime(), now.getTime())) : null;
          const mid = r.uuid();
          milestones.push({
            id: mid,
            organisation_id: id,
            programme_id: programme.id,
            key: step.key,
            track,
            name: step.name,
            position,
            original_target_at: target,
            target_at: target,
            state,
            blocked_reason:
              state === 'BLOCKED'
                ? track === 'OT'
                  ? 'Waiting for a vendor-certified replacement for the HMI workstations'
                  : 'Procurement awaiting budget approval'
                : null,
            evidence: state === 'DONE' ? `Reported ${step.name.toLowerCase()}` : null,
            reported_by: state === 'NOT_STARTED' ? null : 'system:demo',
            reported_at: state === 'NOT_STARTED' ? null : lastReported,
            verified_by: verifiedAt ? 'system:demo-liaison' : null,
            verified_at: verifiedAt,
            created_at: created,
          });
          if (track === 'OT' && state === 'BLOCKED' && r.next() < 0.7) {
            extensions.push({
              organisation_id: id,
              milestone_id: mid,
              justification: 'OT assets can only change in the spring maintenance outage; the replacement needs vendor certification.',
              requested_target_at: new Date(target.getTime() + 182 * DAY),
              requested_by: 'system:demo',
              requested_at: new Date(target.getTime() - 10 * DAY),
            });
          }
        });
      }
    }
  }

  const cols = <T>(rows: T[], key: keyof T) => rows.map((row) => row[key]);
  await dataSource.transaction(async (m) => {
    await m.query(
      `INSERT INTO organisation (id, external_key, name, primary_sector_code, secondary_sector_codes, state_code, size_band, criticality_tier, last_reported_at, created_at, updated_at)
       SELECT id, ek, nm, ps, CASE WHEN ss = '' THEN '{}'::text[] ELSE string_to_array(ss, ',') END, st, sb, ct, lr, ca, ca
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::smallint[], $9::timestamptz[], $10::timestamptz[])
         AS t(id, ek, nm, ps, ss, st, sb, ct, lr, ca)`,
      [
        cols(orgs, 'id'),
        cols(orgs, 'external_key'),
        cols(orgs, 'name'),
        cols(orgs, 'primary_sector_code'),
        orgs.map((o) => o.secondary_sector_codes.join(',')),
        cols(orgs, 'state_code'),
        cols(orgs, 'size_band'),
        cols(orgs, 'criticality_tier'),
        cols(orgs, 'last_reported_at'),
        cols(orgs, 'created_at'),
      ],
    );
    await m.query(
      `INSERT INTO contact (organisation_id, role, name, email, time_zone, created_at, updated_at)
       SELECT o, ro, nm, em, tz, ca, ca FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS t(o, ro, nm, em, tz, ca)`,
      [
        cols(contacts, 'organisation_id'),
        cols(contacts, 'role'),
        cols(contacts, 'name'),
        cols(contacts, 'email'),
        cols(contacts, 'time_zone'),
        cols(contacts, 'created_at'),
      ],
    );
    await m.query(
      `INSERT INTO footprint (id, organisation_id, programme_id, product_code, product_name, vendor, white_label_confidence, environment, endpoint_count, endpoints_remaining,
         update_channel, licence_end, replacement_product, replacement_chosen_by_organisation, created_at, updated_at)
       SELECT *, ca FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::int[], $11::text[], $12::date[], $13::text[], $14::boolean[], $15::timestamptz[])
         AS t(id, o, p, pc, pn, v, wl, env, ec, er, uc, le, rp, rc, ca)`,
      [
        'id',
        'organisation_id',
        'programme_id',
        'product_code',
        'product_name',
        'vendor',
        'white_label_confidence',
        'environment',
        'endpoint_count',
        'endpoints_remaining',
        'update_channel',
        'licence_end',
        'replacement_product',
        'replacement_chosen_by_organisation',
        'created_at',
      ].map((k) => cols(footprint, k)),
    );
    await m.query(
      `INSERT INTO milestone (id, organisation_id, programme_id, key, track, name, position, original_target_at, target_at, state, blocked_reason, evidence,
         reported_by, reported_at, verified_by, verified_at, created_at, updated_at)
       SELECT *, ca FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $12::text[],
         $13::text[], $14::timestamptz[], $15::text[], $16::timestamptz[], $17::timestamptz[])
         AS t(id, o, p, k, tr, nm, pos, ot, ta, st, br, ev, rb, ra, vb, va, ca)`,
      [
        'id',
        'organisation_id',
        'programme_id',
        'key',
        'track',
        'name',
        'position',
        'original_target_at',
        'target_at',
        'state',
        'blocked_reason',
        'evidence',
        'reported_by',
        'reported_at',
        'verified_by',
        'verified_at',
        'created_at',
      ].map((k) => cols(milestones, k)),
    );
    if (extensions.length) {
      await m.query(
        `INSERT INTO extension (organisation_id, milestone_id, justification, requested_target_at, requested_by, requested_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::timestamptz[])`,
        ['organisation_id', 'milestone_id', 'justification', 'requested_target_at', 'requested_by', 'requested_at'].map((k) => cols(extensions, k)),
      );
    }
    // the upper rungs of the ladder: a liaison and an SRMA contact per sector, a lead per CISA region
    const ladder = [
      ...SECTORS.map((s) => ['SECTOR_LIAISON', s.code, null, `${s.name} liaison`, `liaison.${s.code.toLowerCase()}@cisa.example`]),
      ...SECTORS.map((s) => ['SRMA', s.code, null, `${s.srma} (${s.name})`, `srma.${s.code.toLowerCase()}@agency.example`]),
      ...CISA_REGIONS.map((r) => ['CISA_REGION', null, r.region, `CISA Region ${r.region} (${r.office})`, `region${r.region}@cisa.example`]),
    ];
    await m.query(
      `INSERT INTO escalation_contact (kind, sector_code, region, name, email, created_at)
       SELECT k, s, r, n, e, $6 FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[]) AS t(k, s, r, n, e)`,
      [...[0, 1, 2, 3, 4].map((i) => ladder.map((row) => row[i])), now],
    );
    await m.query(
      `INSERT INTO audit_event (occurred_at, actor, actor_role, organisation_id, entity_type, entity_id, action, after)
       SELECT $1, 'system:seed-demo', 'system', o, 'organisation', o::text, 'create', jsonb_build_object('source', 'demo set')
       FROM unnest($2::uuid[]) AS t(o)`,
      [now, cols(orgs, 'id')],
    );
  });
  // statuses and rollups by the same code every write uses, then a demo history for the burn-down
  const entity = await dataSource.getRepository(ProgrammeEntity).findOneByOrFail({ id: programme.id });
  await new StatusService(dataSource, clock).refreshAll(entity);
  await seedDemoHistory(dataSource, programme.id, now);
  return { organisations: orgs.length };
}

/**
 * 90 days of daily snapshots, marked DEMO: each sector's endpoints fall from their total 90 days ago
 * to what remains today along a slightly uneven line, so the burn-down has a shape to show.
 */
async function seedDemoHistory(dataSource: DataSource, programmeId: string, now: Date) {
  await dataSource.query(
    `INSERT INTO daily_snapshot (day, programme_id, sector_code, organisations, organisations_not_done, endpoints_total, endpoints_remaining, source, taken_at)
     SELECT d.day, $1, t.sector, t.organisations,
            round(t.not_done + (t.organisations - t.not_done) * (1 - d.k))::int,
            t.total,
            round(t.remaining + (t.total - t.remaining) * power(1 - d.k, 1.4) * (0.97 + 0.06 * ((extract(doy FROM d.day)::int % 5) / 4.0)))::bigint,
            'DEMO', $2
     FROM (SELECT o.primary_sector_code AS sector, count(*)::int AS organisations, count(*) FILTER (WHERE s.status <> 'COMPLETE')::int AS not_done,
                  sum(s.endpoints_total)::bigint AS total, sum(s.endpoints_remaining)::bigint AS remaining
           FROM organisation o JOIN organisation_status s ON s.organisation_id = o.id AND s.programme_id = $1 GROUP BY 1) t
     CROSS JOIN (SELECT (($2::timestamptz AT TIME ZONE 'UTC')::date - g) AS day, (90 - g) / 90.0 AS k FROM generate_series(0, 90) AS g) d
     ON CONFLICT DO NOTHING`,
    [programmeId, now],
  );
}
