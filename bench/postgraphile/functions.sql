-- SQL functions that let PostGraphile answer the benchmark's questions over the same database.
-- Applied by bench/run.js to the benchmark database only: they are not part of the application's schema.
-- STABLE functions become queries, the VOLATILE one a mutation (PostGraphile's conventions).

-- 1. Dashboard summary by sector: the same GROUP BY over the per-organisation rollup that our API runs.
DROP FUNCTION IF EXISTS bench_sector_breakdown();
DROP TYPE IF EXISTS bench_sector_row;
CREATE TYPE bench_sector_row AS (
  key text, label text, organisations int, endpoints_total float8, endpoints_remaining float8,
  share_removed float8, verified int, by_status jsonb
);
CREATE FUNCTION bench_sector_breakdown() RETURNS SETOF bench_sector_row LANGUAGE sql STABLE AS $$
  WITH cells AS (
    SELECT o.primary_sector_code AS key, s.status, count(*)::int AS n, sum(s.endpoints_total)::float8 AS total,
           sum(s.endpoints_remaining)::float8 AS remaining, count(*) FILTER (WHERE s.removal_verified)::int AS verified
    FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id JOIN us_state st ON st.code = o.state_code
    WHERE s.programme_id = (SELECT id FROM programme WHERE key = 'kaspersky-2024') AND o.archived_at IS NULL
    GROUP BY 1, 2)
  SELECT c.key, sc.name, sum(c.n)::int, sum(c.total), sum(c.remaining),
         CASE WHEN sum(c.total) > 0 THEN 1 - sum(c.remaining) / sum(c.total) END, sum(c.verified)::int,
         jsonb_object_agg(c.status, c.n)
  FROM cells c LEFT JOIN sector sc ON sc.code = c.key AND sc.valid_to IS NULL
  GROUP BY c.key, sc.name ORDER BY sc.name
$$;

-- 2. The at-risk ranking (organisations not complete, highest risk first); PostGraphile pages it and
--    follows the foreign keys to the organisation, its footprint and its milestones.
DROP FUNCTION IF EXISTS bench_at_risk();
CREATE FUNCTION bench_at_risk() RETURNS SETOF organisation_status LANGUAGE sql STABLE AS $$
  SELECT s.* FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id
  WHERE s.programme_id = (SELECT id FROM programme WHERE key = 'kaspersky-2024') AND o.archived_at IS NULL AND s.status <> 'COMPLETE'
  ORDER BY s.risk_score DESC, s.organisation_id DESC
$$;

-- 4. A self-report of one footprint row: the row (version-checked), the organisation's last report
--    time and an audit event, in the mutation's transaction. (Our API also re-derives the status and
--    re-plans reminders in the same transaction; PostGraphile has no such rules to run.)
DROP FUNCTION IF EXISTS bench_self_report(uuid, uuid, int, int);
CREATE FUNCTION bench_self_report(organisation_id uuid, footprint_id uuid, expected_version int, endpoints_remaining int)
RETURNS footprint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  before footprint;
  after footprint;
BEGIN
  SELECT * INTO before FROM footprint f WHERE f.id = footprint_id AND f.organisation_id = bench_self_report.organisation_id FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION 'no such footprint row' USING ERRCODE = 'P0002'; END IF;
  IF before.version <> expected_version THEN RAISE EXCEPTION 'version conflict' USING ERRCODE = '40001'; END IF;
  UPDATE footprint f SET endpoints_remaining = bench_self_report.endpoints_remaining, updated_at = now(), version = f.version + 1
    WHERE f.id = footprint_id RETURNING * INTO after;
  UPDATE organisation o SET last_reported_at = now() WHERE o.id = bench_self_report.organisation_id;
  INSERT INTO audit_event (occurred_at, actor, actor_role, organisation_id, entity_type, entity_id, action, before, after)
    VALUES (now(), 'postgraphile:bench', 'reporter', bench_self_report.organisation_id, 'footprint', footprint_id::text, 'self-report',
            jsonb_build_object('endpointsRemaining', before.endpoints_remaining), jsonb_build_object('endpointsRemaining', after.endpoints_remaining));
  RETURN after;
END
$$;

-- 5. The organisation references of milestone, contact, footprint and organisation_status are checked
--    per statement by triggers (migration OrganisationReferencesPerStatement), not by foreign keys, so
--    PostGraphile cannot find them by introspection: smart tags declare them, and it follows them as it
--    followed the keys (organisationByOrganisationId, milestonesByOrganisationId, …).
COMMENT ON TABLE milestone IS E'@foreignKey (organisation_id) references organisation (id)';
COMMENT ON TABLE contact IS E'@foreignKey (organisation_id) references organisation (id)';
COMMENT ON TABLE footprint IS E'@foreignKey (organisation_id) references organisation (id)';
COMMENT ON TABLE organisation_status IS E'@foreignKey (organisation_id) references organisation (id)';
