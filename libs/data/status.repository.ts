import type { EntityManager } from 'typeorm';
import type { CombinedWrite } from '@libs/core/database/combined-write';
import type { OrganisationFacts } from '@libs/domain/status/signals';
import type { MilestoneState } from '@libs/domain/vocabulary';
import { PLANNED_STATES_SQL } from './outbox.repository';
import { markForReplanSql } from './plan.repository';

/**
 * The stored status of organisations in a programme (organisation_status) and the facts it is derived
 * from: what single changes, batches (the import), the hourly refresh and the planner read and write.
 */
export const StatusRepository = {
  /**
   * One statement for any number of organisations. Without `milestoneDetails` the milestones carry
   * only what status derivation reads (no id or name): what a refresh needs, read and parsed faster.
   */
  async loadFacts(
    manager: EntityManager,
    programmeId: string,
    organisationIds: readonly string[],
    { milestoneDetails = true } = {},
  ): Promise<Map<string, OrganisationFacts>> {
    const ids = [...new Set(organisationIds)];
    // One statement, one JSON document: parsing it is native and a fraction of the cost of tens of
    // thousands of result rows (a refresh of 5,000 organisations), which PostgreSQL otherwise sat idle
    // waiting for. Instants are epoch milliseconds: numbers, not timestamps' text. LATERAL: an index
    // probe per organisation, where `= ANY(…)` of thousands of ids is planned as a scan of the table (the
    // milestones' too: a parallel scan of all 1.6 million for each planner batch of 5,000, ~0.4 s of its ~0.9 s).
    const [{ doc }]: Array<{ doc: string }> = await manager.query(
      `SELECT json_build_object(
         'o', (SELECT coalesce(json_agg(json_build_array(o.id, (extract(epoch FROM o.last_reported_at) * 1000)::float8, o.criticality_tier)), '[]')
               FROM unnest($2::uuid[]) AS k(id) CROSS JOIN LATERAL (SELECT id, last_reported_at, criticality_tier FROM organisation WHERE id = k.id LIMIT 1) o),
         'f', (SELECT coalesce(json_agg(CASE WHEN f.maintenance_window_starts_at IS NULL
                 THEN json_build_array(f.organisation_id, f.endpoint_count, f.endpoints_remaining, f.environment, f.product_code, f.vendor,
                   f.verified_remaining, (extract(epoch FROM f.verified_at) * 1000)::float8)
                 -- an OT deployment with a window (issue 18, item 4): its id, window and certification too
                 ELSE json_build_array(f.organisation_id, f.endpoint_count, f.endpoints_remaining, f.environment, f.product_code, f.vendor,
                   f.verified_remaining, (extract(epoch FROM f.verified_at) * 1000)::float8, f.id,
                   (extract(epoch FROM f.maintenance_window_starts_at) * 1000)::float8, (extract(epoch FROM f.maintenance_window_ends_at) * 1000)::float8,
                   f.maintenance_window_name, f.replacement_vendor_certified, f.replacement_certification_ref) END), '[]')
               FROM unnest($2::uuid[]) AS k(id) CROSS JOIN LATERAL (SELECT * FROM footprint WHERE organisation_id = k.id AND programme_id = $1 OFFSET 0) f),
         'm', (SELECT coalesce(json_object_agg(k.id, ms.list), '{}') FROM unnest($2::uuid[]) AS k(id)
               CROSS JOIN LATERAL (SELECT json_agg(json_build_array(key, track, state, (extract(epoch FROM verified_at) * 1000)::float8,
                   (extract(epoch FROM target_at) * 1000)::float8, (extract(epoch FROM extension_expires_at) * 1000)::float8,
                   (extract(epoch FROM extension_lapses_to) * 1000)::float8, (extract(epoch FROM extension_reported_at) * 1000)::float8,
                   maintenance_window_footprint_id${milestoneDetails ? ', id, name' : ''}) ORDER BY track, position) AS list
                 FROM milestone WHERE organisation_id = k.id AND programme_id = $1) ms
               WHERE ms.list IS NOT NULL)
       )::text AS doc`,
      [programmeId, ids],
    );
    const parsed: {
      o: Array<[string, number | null, number]>;
      f: Array<
        [
          string,
          number,
          number,
          string,
          string,
          string | null,
          number | null,
          number | null,
          string?,
          number?,
          number?,
          (string | null)?,
          (boolean | null)?,
          (string | null)?,
        ]
      >;
      m: Record<
        string,
        Array<[string, string, MilestoneState, number | null, number, number | null, number | null, number | null, string | null, string?, string?]>
      >;
    } = JSON.parse(doc);
    const facts = new Map<string, OrganisationFacts>();
    for (const [id, reportedMs, tier] of parsed.o)
      facts.set(id, { lastReportedAt: reportedMs === null ? null : new Date(reportedMs), criticalityTier: tier, footprint: [], milestones: [] });
    for (const [
      organisationId,
      endpointCount,
      endpointsRemaining,
      environment,
      productCode,
      vendor,
      verifiedRemaining,
      verifiedMs,
      id,
      startsMs,
      endsMs,
      windowName,
      certified,
      certificationRef,
    ] of parsed.f) {
      const row: OrganisationFacts['footprint'][number] = {
        endpointCount,
        endpointsRemaining,
        environment,
        productCode,
        vendor,
        verifiedRemaining,
        verifiedAt: verifiedMs === null ? null : new Date(verifiedMs),
      };
      if (id !== undefined) {
        Object.assign(row, {
          id,
          maintenanceWindowStartsAt: new Date(startsMs!),
          maintenanceWindowEndsAt: new Date(endsMs!),
          maintenanceWindowName: windowName ?? null,
          replacementVendorCertified: certified ?? null,
          replacementCertificationRef: certificationRef ?? null,
        });
      }
      (facts.get(organisationId)?.footprint as OrganisationFacts['footprint'][number][] | undefined)?.push(row);
    }
    for (const [organisationId, list] of Object.entries(parsed.m)) {
      const into = facts.get(organisationId)?.milestones as OrganisationFacts['milestones'][number][] | undefined;
      if (!into) continue;
      for (const [key, track, state, verifiedMs, targetMs, expiresMs, lapsesMs, extensionReportedMs, windowFootprintId, id, name] of list) {
        const milestone: OrganisationFacts['milestones'][number] = {
          key,
          track,
          targetAt: new Date(targetMs),
          state,
          verifiedAt: verifiedMs === null ? null : new Date(verifiedMs),
        };
        if (windowFootprintId !== null) milestone.maintenanceWindowFootprintId = windowFootprintId;
        // the extension in force (libs/domain/extension-rules.ts): only on a milestone ever extended
        if (expiresMs !== null)
          Object.assign(milestone, {
            extensionExpiresAt: new Date(expiresMs),
            extensionLapsesTo: lapsesMs === null ? null : new Date(lapsesMs),
            extensionReportedAt: extensionReportedMs === null ? null : new Date(extensionReportedMs),
          });
        if (milestoneDetails) Object.assign(milestone, { id, name });
        into.push(milestone);
      }
    }
    return facts;
  },

  /**
   * Adds a batch's rollups to a change's one write: `document` holds each distinct rollup once (JSON, with a
   * number `n`), and each organisation of `ids` names its rollup by `shapeOf`. `created`: the
   * organisations were created in the caller's transaction (a plain insert). `replan`: what the reminder
   * plan built from the old facts is stopped in the same write, and the organisation is planned again
   * at the planner's next pass.
   */
  addTo(
    write: CombinedWrite,
    programmeId: string,
    at: Date,
    ids: readonly string[],
    shapeOf: readonly number[],
    document: string,
    options: { created?: boolean; replan?: boolean } = {},
  ): void {
    const upsert = `INSERT INTO organisation_status (organisation_id, programme_id, as_of, status, reasons, endpoints_total, endpoints_remaining, ot_total, ot_remaining,
         milestones_not_started, milestones_in_progress, milestones_done, milestones_blocked, milestones_overdue, removal_verified, risk_score, risk_reasons,
         products, report_stale)
       SELECT o.id, $1::uuid, $2::timestamptz, t.status, t.reasons, t."endpointsTotal", t."endpointsRemaining", t."otTotal", t."otRemaining",
              t."notStarted", t."inProgress", t.done, t.blocked, t.overdue, t."removalVerified", t."riskScore", t."riskReasons", t.products, t."reportStale"
       FROM unnest($3::uuid[], $4::int[]) AS o(id, n)
       JOIN jsonb_to_recordset($5::jsonb) AS t(n int, status text, reasons jsonb, "endpointsTotal" bigint, "endpointsRemaining" bigint, "otTotal" bigint,
         "otRemaining" bigint, "notStarted" int, "inProgress" int, done int, blocked int, overdue int, "removalVerified" boolean, "riskScore" int, "riskReasons" jsonb,
         products jsonb, "reportStale" boolean) USING (n)
       ${
         options.created
           ? ''
           : `ON CONFLICT (organisation_id, programme_id) DO UPDATE SET status = EXCLUDED.status, reasons = EXCLUDED.reasons, as_of = EXCLUDED.as_of,
         endpoints_total = EXCLUDED.endpoints_total, endpoints_remaining = EXCLUDED.endpoints_remaining, ot_total = EXCLUDED.ot_total, ot_remaining = EXCLUDED.ot_remaining,
         milestones_not_started = EXCLUDED.milestones_not_started, milestones_in_progress = EXCLUDED.milestones_in_progress, milestones_done = EXCLUDED.milestones_done,
         milestones_blocked = EXCLUDED.milestones_blocked, milestones_overdue = EXCLUDED.milestones_overdue, removal_verified = EXCLUDED.removal_verified,
         risk_score = EXCLUDED.risk_score, risk_reasons = EXCLUDED.risk_reasons, products = EXCLUDED.products, report_stale = EXCLUDED.report_stale`
       }`;
    const params = [programmeId, at, ids, shapeOf, document];
    if (!options.replan) return write.add(write.unique('status'), `${upsert} RETURNING 1`, params);
    const stored = write.unique('status');
    write.add(
      write.unique('replan'),
      `UPDATE reminder_delivery d SET state = 'CANCELLED', cancel_reason = CASE WHEN s.status = 'COMPLETE' THEN 'complete' ELSE 'recomputed' END
       FROM ${stored} s WHERE d.organisation_id = s.organisation_id AND d.programme_id = $1::uuid AND d.state IN ${PLANNED_STATES_SQL} RETURNING 1`,
      params,
      [[stored, `${upsert} RETURNING organisation_id, status`]],
    );
    write.add(
      write.unique('marked'),
      `${markForReplanSql(`SELECT id AS organisation_id, $1::uuid AS programme_id FROM unnest($2::uuid[]) AS o(id)`)} RETURNING 1`,
      [programmeId, ids],
    );
  },
};
