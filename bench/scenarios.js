/**
 * The benchmark's questions, each asked three ways over the same database: our API, PostGraphile 5
 * (through the SQL functions in postgraphile/functions.sql where it needs them) and one SQL statement
 * sent straight to PostgreSQL with `pg`, the floor no GraphQL server can beat.
 */

// 1. Dashboard summary by sector.
const SUMMARY = {
  ours: `{ breakdown(by: SECTOR) { key label organisations endpointsTotal endpointsRemaining shareRemoved verified byStatus { status organisations } } }`,
  postgraphile: `{ benchSectorBreakdown { nodes { key label organisations endpointsTotal endpointsRemaining shareRemoved verified byStatus } } }`,
  sql: `SELECT * FROM bench_sector_breakdown()`,
  /** Organisations and endpoints remaining over all sectors, from each answer: they must agree. */
  totals: {
    ours: (d) => d.breakdown.reduce((s, r) => [s[0] + r.organisations, s[1] + r.endpointsRemaining], [0, 0]),
    postgraphile: (d) => d.benchSectorBreakdown.nodes.reduce((s, r) => [s[0] + r.organisations, s[1] + r.endpointsRemaining], [0, 0]),
    sql: (rows) => rows.reduce((s, r) => [s[0] + r.organisations, s[1] + r.endpoints_remaining], [0, 0]),
  },
};

/**
 * 1b. Every other dashboard question, asked of our API alone with the cache off (issue 16: p95 under 50 ms
 * each): the programme summary and the breakdown by every dimension, with the fields the sector one reads.
 */
const BREAKDOWN_FIELDS = 'key label organisations endpointsTotal endpointsRemaining shareRemoved verified byStatus { status organisations }';
const DASHBOARD_QUESTIONS = [
  {
    name: 'programme summary',
    query: `{ programmeSummary { organisations byStatus { status organisations } endpointsTotal endpointsRemaining shareRemoved shareVerified
              milestonesByState { state milestones } milestonesOverdue extensionsOpen extensionsGranted endpointsVerified asOf } }`,
  },
  ...['SRMA', 'STATE', 'REGION', 'ENVIRONMENT', 'PRODUCT', 'WHITE_LABEL_VENDOR'].map((by) => ({
    name: `breakdown by ${by}`,
    query: `{ breakdown(by: ${by}) { ${BREAKDOWN_FIELDS} } }`,
  })),
];

// 2. At-risk list: a page of 50 organisations with their footprint and milestones (three levels deep).
//    No total count: the page itself is compared (our API would answer a total from its aggregate cache).
const FOOTPRINT_FIELDS = 'id product { code } environment endpointCount endpointsRemaining updateChannel version';
const MILESTONE_FIELDS = 'id key track name state targetAt version';
const LIST = {
  ours: `{ atRisk(first: 50) { edges { cursor node { riskScore status organisation { id externalKey name primarySector { code } state { code } criticalityTier
           footprint { ${FOOTPRINT_FIELDS} } milestones { ${MILESTONE_FIELDS} } } } } } }`,
  postgraphile: `{ benchAtRisk(first: 50) { edges { cursor node { riskScore status organisationByOrganisationId { rowId externalKey name primarySectorCode stateCode criticalityTier
           footprintsByOrganisationId { nodes { rowId productCode environment endpointCount endpointsRemaining updateChannel version } }
           milestonesByOrganisationId { nodes { rowId key track name state targetAt version } } } } } } }`,
  sql: `SELECT json_agg(json_build_object(
          'riskScore', s.risk_score, 'status', s.status, 'id', o.id, 'externalKey', o.external_key, 'name', o.name, 'primarySectorCode', o.primary_sector_code,
          'stateCode', o.state_code, 'criticalityTier', o.criticality_tier,
          'footprint', (SELECT json_agg(json_build_object('id', f.id, 'productCode', f.product_code, 'environment', f.environment, 'endpointCount', f.endpoint_count,
                          'endpointsRemaining', f.endpoints_remaining, 'updateChannel', f.update_channel, 'version', f.version) ORDER BY f.id) FROM footprint f WHERE f.organisation_id = o.id),
          'milestones', (SELECT json_agg(json_build_object('id', m.id, 'key', m.key, 'track', m.track, 'name', m.name, 'state', m.state, 'targetAt', m.target_at, 'version', m.version)
                          ORDER BY m.track, m.position) FROM milestone m WHERE m.organisation_id = o.id)) ORDER BY s.risk_score DESC, s.organisation_id DESC) AS entries
        FROM (SELECT * FROM bench_at_risk() LIMIT 50) s JOIN organisation o ON o.id = s.organisation_id`,
  ids: {
    ours: (d) => d.atRisk.edges.map((e) => e.node.organisation.id),
    postgraphile: (d) => d.benchAtRisk.edges.map((e) => e.node.organisationByOrganisationId.rowId),
    sql: (rows) => rows[0].entries.map((e) => e.id),
  },
};

// 3. One organisation in full.
const ORGANISATION = {
  ours: `query ($id: ID!) { organisation(id: $id) { id externalKey name primarySector { code } secondarySectors { code } sizeBand criticalityTier archivedAt lastReportedAt createdAt updatedAt version
           state { code name } contacts { id role name email timeZone } footprint { ${FOOTPRINT_FIELDS} licenceEnd replacementProduct }
           milestones { ${MILESTONE_FIELDS} blockedReason verifiedAt } extensions { id state requestedTargetAt } status { status reasons { code message } asOf } } }`,
  postgraphile: `query ($id: UUID!) { organisationByRowId(rowId: $id) { rowId externalKey name primarySectorCode secondarySectorCodes stateCode sizeBand criticalityTier archivedAt lastReportedAt createdAt updatedAt version
           usStateByStateCode { code name } contactsByOrganisationId { nodes { rowId role name email timeZone } }
           footprintsByOrganisationId { nodes { rowId productCode environment endpointCount endpointsRemaining updateChannel version licenceEnd replacementProduct } }
           milestonesByOrganisationId { nodes { rowId key track name state targetAt version blockedReason verifiedAt } }
           extensionsByOrganisationId { nodes { rowId state requestedTargetAt } } organisationStatusesByOrganisationId { nodes { status reasons asOf } } } }`,
  sql: `SELECT json_build_object('id', o.id, 'externalKey', o.external_key, 'name', o.name, 'primarySectorCode', o.primary_sector_code, 'secondarySectorCodes', o.secondary_sector_codes,
          'stateCode', o.state_code, 'sizeBand', o.size_band, 'criticalityTier', o.criticality_tier, 'archivedAt', o.archived_at, 'lastReportedAt', o.last_reported_at,
          'createdAt', o.created_at, 'updatedAt', o.updated_at, 'version', o.version,
          'state', (SELECT json_build_object('code', st.code, 'name', st.name) FROM us_state st WHERE st.code = o.state_code),
          'contacts', (SELECT json_agg(json_build_object('id', c.id, 'role', c.role, 'name', c.name, 'email', c.email, 'timeZone', c.time_zone)) FROM contact c WHERE c.organisation_id = o.id),
          'footprint', (SELECT json_agg(json_build_object('id', f.id, 'productCode', f.product_code, 'environment', f.environment, 'endpointCount', f.endpoint_count,
                          'endpointsRemaining', f.endpoints_remaining, 'updateChannel', f.update_channel, 'version', f.version, 'licenceEnd', f.licence_end,
                          'replacementProduct', f.replacement_product)) FROM footprint f WHERE f.organisation_id = o.id),
          'milestones', (SELECT json_agg(json_build_object('id', m.id, 'key', m.key, 'track', m.track, 'name', m.name, 'state', m.state, 'targetAt', m.target_at,
                          'version', m.version, 'blockedReason', m.blocked_reason, 'verifiedAt', m.verified_at)) FROM milestone m WHERE m.organisation_id = o.id),
          'extensions', (SELECT json_agg(json_build_object('id', e.id, 'state', e.state, 'requestedTargetAt', e.requested_target_at)) FROM extension e WHERE e.organisation_id = o.id),
          'status', (SELECT json_build_object('status', s.status, 'reasons', s.reasons, 'asOf', s.as_of) FROM organisation_status s WHERE s.organisation_id = o.id)) AS organisation
        FROM organisation o WHERE o.id = $1`,
};

// 4. Self-report of one footprint row's remaining count.
const SELF_REPORT = {
  ours: `mutation ($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id lastReportedAt } footprint { id endpointsRemaining version } } }`,
  oursVariables: (r) => ({
    input: { organisationId: r.organisationId, footprint: [{ id: r.footprintId, version: r.version, endpointsRemaining: r.remaining }] },
  }),
  oursVersion: (d) => d.submitSelfReport.footprint[0].version,
  postgraphile: `mutation ($input: BenchSelfReportInput!) { benchSelfReport(input: $input) { result { rowId endpointsRemaining version } } }`,
  postgraphileVariables: (r) => ({
    input: { organisationId: r.organisationId, footprintId: r.footprintId, expectedVersion: r.version, endpointsRemaining: r.remaining },
  }),
  postgraphileVersion: (d) => d.benchSelfReport.result.version,
  sql: `SELECT version FROM bench_self_report($1, $2, $3, $4)`,
};

module.exports = { DASHBOARD_QUESTIONS, SUMMARY, LIST, ORGANISATION, SELF_REPORT };
