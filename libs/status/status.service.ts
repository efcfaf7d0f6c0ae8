import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../core/clock/clock';
import type { ProgrammeEntity } from '../programmes/programme.entity';
import { deriveStatus, MilestoneState, StatusInput, StatusResult } from './derive-status';

/** What the rules of status and escalation read about one organisation. */
export interface Facts extends Omit<StatusInput, 'now' | 'cutoff' | 'staleReportDays' | 'footprint' | 'milestones'> {
  footprint: Array<StatusInput['footprint'][number] & { environment?: string }>;
  milestones: Array<StatusInput['milestones'][number] & { id?: string; name?: string }>;
}

const BATCH = 5000;

/**
 * Keeps organisation_status (what list filters and dashboards read in SQL) equal to deriveStatus():
 * recomputed in the transaction of every write, and for everyone by the worker as time passes.
 */
@Injectable()
export class StatusService {
  private readonly logger = new Logger(StatusService.name);

  constructor(private readonly dataSource: DataSource, private readonly clock: Clock) {}

  now(): Date {
    return this.clock.now();
  }

  evaluate(programme: ProgrammeEntity, facts: Facts, at: Date = this.clock.now()): StatusResult {
    return deriveStatus({ ...facts, now: at, cutoff: programme.updatesCutoff, staleReportDays: programme.staleReportDays });
  }

  /** Three statements for any number of organisations. */
  async loadFacts(manager: EntityManager, programmeId: string, ids: readonly string[]): Promise<Map<string, Facts>> {
    // one after another: inside a transaction they share one connection
    const orgs = await manager.query(`SELECT id, last_reported_at FROM organisation WHERE id = ANY($1::uuid[])`, [ids]);
    const footprint = await manager.query(
        `SELECT organisation_id, endpoint_count, endpoints_remaining, environment FROM footprint WHERE programme_id = $1 AND organisation_id = ANY($2::uuid[])`,
        [programmeId, ids],
      );
    const milestones = await manager.query(
        `SELECT organisation_id, id, key, track, name, target_at, state, verified_at FROM milestone WHERE programme_id = $1 AND organisation_id = ANY($2::uuid[]) ORDER BY track, position`,
        [programmeId, ids],
      );
    const facts = new Map<string, Facts>();
    for (const o of orgs) facts.set(o.id, { lastReportedAt: o.last_reported_at, footprint: [], milestones: [] });
    for (const f of footprint) (facts.get(f.organisation_id)!.footprint as Facts['footprint'][number][]).push({ endpointCount: f.endpoint_count, endpointsRemaining: f.endpoints_remaining, environment: f.environment });
    for (const m of milestones) {
      (facts.get(m.organisation_id)!.milestones as Facts['milestones'][number][]).push({
        id: m.id, key: m.key, track: m.track, name: m.name, targetAt: m.target_at, state: m.state as MilestoneState, verifiedAt: m.verified_at,
      });
    }
    return facts;
  }

  async refresh(manager: EntityManager, programme: ProgrammeEntity, ids: readonly string[]): Promise<Map<string, StatusResult>> {
    const now = this.clock.now();
    const facts = await this.loadFacts(manager, programme.id, ids);
    const results = new Map<string, StatusResult>();
    for (const [id, f] of facts) results.set(id, this.evaluate(programme, f, now));
    if (results.size === 0) return results;
    const entries = [...results.entries()];
    await manager.query(
      `INSERT INTO organisation_status (organisation_id, programme_id, status, reasons, as_of)
       SELECT o.id, $1, o.status, o.reasons, $2 FROM unnest($3::uuid[], $4::text[], $5::jsonb[]) AS o(id, status, reasons)
       ON CONFLICT (organisation_id, programme_id) DO UPDATE SET status = EXCLUDED.status, reasons = EXCLUDED.reasons, as_of = EXCLUDED.as_of`,
      [programme.id, now, entries.map(([id]) => id), entries.map(([, r]) => r.status), entries.map(([, r]) => JSON.stringify(r.reasons))],
    );
    return results;
  }

  /** Every organisation of the programme, in batches; what the worker runs as time passes. */
  async refreshAll(programme: ProgrammeEntity): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let total = 0;
    for (;;) {
      const rows: Array<{ id: string }> = await this.dataSource.query(
        `SELECT id FROM organisation WHERE id > $1 AND archived_at IS NULL ORDER BY id LIMIT $2`,
        [after, BATCH],
      );
      if (rows.length === 0) break;
      await this.dataSource.transaction((manager) => this.refresh(manager, programme, rows.map((r) => r.id)));
      total += rows.length;
      after = rows[rows.length - 1].id;
    }
    this.logger.log(`refreshed the status of ${total} organisations in ${programme.key}`);
    return total;
  }
}
