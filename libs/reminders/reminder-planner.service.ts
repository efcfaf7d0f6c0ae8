import { sectorInForce } from '@libs/reference/sector-in-force';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@libs/core/clock/clock';
import type { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { PLANNED_STATES_SQL } from '@libs/data/outbox.repository';
import { OrganisationRepository, takesPartSql } from '@libs/data/organisation.repository';
import { deriveStatus, extendedDeadline, StatusResult } from '@libs/domain/status/derive-status';
import { signalsOf } from '@libs/domain/status/signals';
import { Facts, StatusService } from '@libs/status/status.service';
import { programmeOfPayload, type ReminderPayload } from '@libs/domain/reminders/reminder-payload';
import { CONTACT_ROLES_AT_LEVEL, escalationLevel, ESCALATION_KINDS_AT_LEVEL, LIAISON_LEVEL } from '@libs/domain/reminders/escalation';
import { currentStage, extensionReportStages, messageStage, milestoneStages, Stage } from '@libs/domain/reminders/ladder';
import { nextPlanAt } from '@libs/domain/reminders/next-plan';
import { linkExpiresAt as linkExpiry } from '@libs/domain/links/link-rules';
import { PlanRepository } from '@libs/data/plan.repository';
import { BusinessHours, DEFAULT_BUSINESS_HOURS, deliveryInstant } from '@libs/domain/reminders/quiet-hours';

export interface PlannedDelivery {
  subjectKey: string;
  organisationId: string | null;
  programmeId: string;
  stage: string;
  level: number;
  recipient: string;
  recipientName: string | null;
  recipientRole: string;
  channel: 'EMAIL' | 'WEBHOOK';
  timeZone: string;
  payload: ReminderPayload;
  dueAt: Date;
  /** The organisation's contact the message is for (its link is made for them at the send); null for escalation contacts. */
  contactId?: string | null;
}

export interface PlanResult {
  organisations: number;
  planned: number;
  /** Rows new in the outbox (a re-run plans the same rows and adds none). */
  inserted: number;
  cancelledComplete: number;
  deliveries: PlannedDelivery[];
}

interface DigestCandidate {
  organisationId: string;
  name: string;
  sector: string;
  region: number;
  status: string;
  level: number;
  lagging: string[];
}

const DAY = 86_400_000;
const BATCH = 5000;
const PLANNER_LOCK = 727_2025;

/**
 * Works out which reminders are due at an instant and writes them to the outbox. Set-based: a fixed
 * number of statements per batch of 5,000 organisations (facts, contacts, one insert), the rules of
 * time applied in between by the pure functions of ./rules and deriveStatus.
 */
@Injectable()
export class ReminderPlanner {
  private readonly logger = new Logger(ReminderPlanner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly status: StatusService,
  ) {}

  /**
   * The organisations a pass looks at, a batch at a time: the ones asked for in one go; for a dry run,
   * every organisation taking part; for a real pass, those whose plan is due (changed, or an instant of
   * theirs come: next-plan.ts), read once with the plan version each was read at.
   */
  private async *pages(
    manager: EntityManager,
    programmeId: string,
    now: Date,
    options: { organisationIds?: string[]; dryRun?: boolean },
  ): AsyncGenerator<{ ids: string[]; versions: Map<string, number> }> {
    if (options.organisationIds) {
      const ids = [...new Set(options.organisationIds)];
      if (ids.length > 0) yield { ids, versions: new Map() };
      return;
    }
    if (options.dryRun) {
      for (let after: string | null = '00000000-0000-0000-0000-000000000000'; after !== null;) {
        const page: { ids: string[]; last: string | null } = await OrganisationRepository.participantsPage(manager, programmeId, after, BATCH);
        after = page.last;
        if (page.ids.length > 0) yield { ids: page.ids, versions: new Map() };
      }
      return;
    }
    const due = await PlanRepository.due(manager, programmeId, now);
    for (let from = 0; from < due.ids.length; from += BATCH) {
      const ids = due.ids.slice(from, from + BATCH);
      yield { ids, versions: new Map(ids.map((id, i) => [id, due.versions[from + i]])) };
    }
  }

  async run(
    programme: ProgrammeEntity,
    options: { at?: Date; organisationIds?: string[]; dryRun?: boolean; scopeSql?: (alias: string, params: unknown[]) => string } = {},
  ): Promise<PlanResult> {
    const now = options.at ?? this.clock.now();
    const cutoff = new Date(programme.updatesCutoff);
    const ladder = programme.reminderLadder;
    const stage = currentStage(now, cutoff, ladder);
    // the links in this pass's messages open until a while after the next stage
    const linkExpiresAt = linkExpiry(now, cutoff, ladder).toISOString();
    const programmeNamed = programmeOfPayload(programme);
    const result: PlanResult = { organisations: 0, planned: 0, inserted: 0, cancelledComplete: 0, deliveries: [] };
    const digest: DigestCandidate[] = [];
    const complete: string[] = [];
    const marks = { ids: [] as string[], versions: [] as number[], at: [] as Date[] };

    // `write` runs one batch's writes in a transaction of its own (a dry run writes nothing).
    const work = async (manager: EntityManager, write: <T>(fn: (m: EntityManager) => Promise<T>) => Promise<T>) => {
      let pending: Promise<number> | null = null;
      for await (const { ids: pageIds, versions } of this.pages(manager, programme.id, now, options)) {
        // when each is due next: an organisation not planned below (archived, not taking part) a day on
        const dueNext = new Map<string, Date>(pageIds.map((id) => [id, new Date(now.getTime() + DAY)]));
        const notePage = () => {
          if (versions.size === 0) return;
          for (const [id, at] of dueNext) {
            marks.ids.push(id);
            marks.versions.push(versions.get(id)!);
            marks.at.push(at);
          }
        };
        const params: unknown[] = [pageIds, programme.id];
        let where = `o.archived_at IS NULL AND ${takesPartSql('o', '$2')}`;
        if (options.scopeSql) where += ` AND ${options.scopeSql('o', params)}`;
        // LATERAL: an index probe per organisation, where `= ANY(…)` of 5,000 ids was planned as a parallel scan of them all
        const organisations: Array<Record<string, any>> = await manager.query(
          `SELECT o.id, o.name, o.external_key, o.primary_sector_code, o.criticality_tier, s.region,
                  c.acknowledged_level, c.paused_until, c.snoozed_until
           FROM unnest($1::uuid[]) AS k(id) CROSS JOIN LATERAL (SELECT * FROM organisation WHERE id = k.id LIMIT 1) o
           JOIN us_state s ON s.code = o.state_code
           LEFT JOIN reminder_control c ON c.organisation_id = o.id AND c.programme_id = $2
           WHERE ${where} ORDER BY o.id`,
          params,
        );
        if (organisations.length === 0) {
          notePage();
          continue;
        }
        const ids = organisations.map((o) => o.id);
        const facts = await this.status.loadFacts(manager, programme.id, ids);
        const contacts = await manager.query(
          `SELECT c.id, c.organisation_id, c.role, c.name, c.email, c.time_zone, COALESCE(p.email_enabled, true) AS email_enabled, p.webhook_url,
                    COALESCE(p.business_hours_start, 9) AS start, COALESCE(p.business_hours_end, 17) AS "end", COALESCE(p.weekdays_only, true) AS weekdays_only
             FROM contact c LEFT JOIN notification_preference p ON p.contact_id = c.id WHERE c.organisation_id = ANY($1::uuid[])`,
          [ids],
        );
        const contactsOf = new Map<string, any[]>();
        for (const c of contacts) contactsOf.set(c.organisation_id, [...(contactsOf.get(c.organisation_id) ?? []), c]);

        const batch: PlannedDelivery[] = [];
        for (const o of organisations) {
          result.organisations += 1;
          const f = facts.get(o.id) as Facts;
          const statusInput = { ...f, now, cutoff, staleReportDays: programme.staleReportDays, rules: programme.rules };
          const status = deriveStatus(statusInput);
          // every track not verified runs to an extended target past the cutoff: that target is what the
          // organisation is escalated against, and past the cutoff it hears of its own due dates, not the
          // programme's overdue stages
          const deadline = extendedDeadline(statusInput);
          const orgStage = deadline && now.getTime() >= cutoff.getTime() ? null : stage;
          dueNext.set(
            o.id,
            nextPlanAt({
              now,
              cutoff,
              ladder,
              rules: programme.rules,
              staleReportDays: programme.staleReportDays,
              lastReportedAt: f.lastReportedAt,
              milestones: f.milestones,
              pausedUntil: o.paused_until ? new Date(o.paused_until) : null,
              snoozedUntil: o.snoozed_until ? new Date(o.snoozed_until) : null,
            }),
          );
          if (status.status === 'COMPLETE') {
            complete.push(o.id);
            continue;
          }
          const escalation = escalationOf(programme, f, status, now, o, deadline);
          const snoozedUntil = o.snoozed_until && new Date(o.snoozed_until).getTime() > now.getTime() ? new Date(o.snoozed_until) : null;
          const held = escalation.level < escalation.unheldLevel;
          // a snooze silences the organisation's own contacts, never its escalation contacts: held and
          // snoozed organisations are listed in the digests of whoever the rule says should hear, and say so
          const lagging = [
            ...(snoozedUntil ? [`Reminders snoozed by the organisation until ${snoozedUntil.toISOString()}`] : []),
            ...(held ? [`Escalation held at level ${escalation.level} by an acknowledgement (the rule gives ${escalation.unheldLevel})`] : []),
            ...status.reasons.map((r) => r.message),
          ];
          // a held organisation stays on its liaison's list (an acknowledgement holds the agencies off, not the liaison)
          const digestLevel = held ? Math.max(escalation.level, Math.min(escalation.unheldLevel, LIAISON_LEVEL)) : escalation.level;
          if (orgStage && digestLevel >= LIAISON_LEVEL) {
            digest.push({
              organisationId: o.id,
              name: o.name,
              sector: o.primary_sector_code,
              region: o.region,
              status: status.status,
              level: digestLevel,
              lagging,
            });
          }
          if (snoozedUntil) continue;
          const organisation = { id: o.id, name: o.name, externalKey: o.external_key, sector: o.primary_sector_code, status: status.status };
          const common = { programme: programmeNamed, level: escalation.level, organisation, lagging, linkExpiresAt };
          // one message per recipient per stage (and level): the milestones due or overdue are listed inside it
          const milestoneFacts = f.milestones.map((m) => ({ ...m, id: m.id!, name: m.name! }));
          const due = [...milestoneStages(now, milestoneFacts, ladder), ...extensionReportStages(now, milestoneFacts, ladder, programme.rules.extensions)];
          const message = messageStage(orgStage, due);
          if (!message) continue;
          const milestones = due.map((ms) => ({
            key: ms.milestone.key,
            name: ms.milestone.name,
            track: ms.milestone.track,
            targetAt: ms.milestone.targetAt.toISOString(),
            state: ms.milestone.state,
            dueKind: ms.kind,
          }));
          const payload: ReminderPayload = { kind: orgStage ? 'STAGE' : 'MILESTONE', stage: message.key, ...common, milestones };
          const roles = CONTACT_ROLES_AT_LEVEL[escalation.level];
          for (const c of contactsOf.get(o.id) ?? []) {
            if (!roles.includes(c.role)) continue;
            const hours: BusinessHours = { start: c.start, end: c.end, weekdaysOnly: c.weekdays_only };
            const base = {
              subjectKey: o.id,
              organisationId: o.id,
              contactId: c.id,
              programmeId: programme.id,
              stage: message.key,
              level: escalation.level,
              recipientName: c.name,
              recipientRole: c.role,
              timeZone: c.time_zone,
              payload,
              dueAt: deliveryInstant(now, c.time_zone, message.urgent, hours),
            };
            if (c.email_enabled) batch.push({ ...base, recipient: c.email, channel: 'EMAIL' });
            if (c.webhook_url) batch.push({ ...base, recipient: c.webhook_url, channel: 'WEBHOOK' });
          }
        }
        result.planned += batch.length;
        if (options.dryRun) result.deliveries.push(...batch);
        else {
          // written on a connection of its own while the next batch is read and worked out (two cores)
          if (pending) result.inserted += await pending;
          pending = write((m) => this.insert(m, batch));
          pending.catch(() => undefined); // awaited below; a failure is thrown there
        }
        notePage();
      }
      if (pending) result.inserted += await pending;

      if (stage && digest.length) {
        const batch = await this.digests(manager, programme, stage, digest, now);
        result.planned += batch.length;
        if (options.dryRun) result.deliveries.push(...batch);
        else result.inserted += await write((m) => this.insert(m, batch));
      }
      if (!options.dryRun && complete.length) {
        const [, cancelled] = await write((m) =>
          m.query(
            `UPDATE reminder_delivery SET state = 'CANCELLED', cancel_reason = 'complete' WHERE state IN ${PLANNED_STATES_SQL} AND organisation_id = ANY($1::uuid[]) AND programme_id = $2`,
            [complete, programme.id],
          ),
        );
        result.cancelledComplete = cancelled ?? 0;
      }
      // last, after every delivery and digest: a run that dies before leaves its organisations due, and
      // planning them again adds nothing (the outbox's unique key)
      for (let i = 0; i < marks.ids.length; i += 20_000) {
        const chunk = { ids: marks.ids.slice(i, i + 20_000), versions: marks.versions.slice(i, i + 20_000), at: marks.at.slice(i, i + 20_000) };
        await write((m) => PlanRepository.planned(m, programme.id, chunk));
      }
    };
    if (options.dryRun) {
      await work(this.dataSource.manager, (fn) => fn(this.dataSource.manager));
    } else {
      // One planner at a time (a session lock on a connection of its own, held for the whole run), and
      // each batch committed as it is written: at national scale a run writes millions of rows, and the
      // relay can send the first batches while the planner works on the rest; a planner that dies loses
      // one batch, which the next run plans again (the outbox's unique key makes that safe).
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      // the batches are written on a second connection, so that writing one and reading the next overlap
      const writer = this.dataSource.createQueryRunner();
      await writer.connect();
      try {
        // waiting for another planner's whole run is the design: neither the statement nor the lock
        // timeout of the pool applies to this wait, and the connection has its own limits back after it
        await runner.query(
          `SET statement_timeout = 0; SET lock_timeout = 0; SELECT pg_advisory_lock(${PLANNER_LOCK}); RESET statement_timeout; RESET lock_timeout`,
        );
        try {
          await work(runner.manager, async (fn) => {
            // A batch meets rows the relay is claiming or putting back at the same moment: PostgreSQL may
            // break such a deadlock by aborting the batch. Writing it again is safe (the unique key).
            for (let attempt = 1; ; attempt++) {
              await writer.startTransaction();
              try {
                const value = await fn(writer.manager);
                await writer.commitTransaction();
                return value;
              } catch (error) {
                await writer.rollbackTransaction().catch(() => undefined);
                const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
                if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw error;
                await new Promise((r) => setTimeout(r, 20 * attempt));
              }
            }
          });
        } finally {
          await runner.query('SELECT pg_advisory_unlock($1)', [PLANNER_LOCK]).catch(() => undefined);
        }
      } finally {
        await writer.release();
        await runner.release();
      }
    }
    if (!options.dryRun)
      this.logger.log(`planned ${result.planned} deliveries for ${result.organisations} organisations at ${now.toISOString()} (${result.inserted} new)`);
    return result;
  }

  /** The escalation level the rule gives one organisation now (for acknowledgements and the API). */
  async levelOf(programme: ProgrammeEntity, organisationId: string, at: Date = this.clock.now()): Promise<number> {
    return (await this.escalationAt(programme, organisationId, at)).level;
  }

  /** The escalation rule's answer for one organisation at an instant, and the reminder stage it falls in. */
  async escalationAt(programme: ProgrammeEntity, organisationId: string, at: Date = this.clock.now()) {
    const [o] = await this.dataSource.query(
      `SELECT o.criticality_tier, c.acknowledged_level, c.paused_until FROM organisation o
       LEFT JOIN reminder_control c ON c.organisation_id = o.id AND c.programme_id = $2 WHERE o.id = $1`,
      [organisationId, programme.id],
    );
    const f = (await this.status.loadFacts(this.dataSource.manager, programme.id, [organisationId])).get(organisationId)!;
    const cutoff = new Date(programme.updatesCutoff);
    const input = { ...f, now: at, cutoff, staleReportDays: programme.staleReportDays, rules: programme.rules };
    const status = deriveStatus(input);
    const deadline = extendedDeadline(input);
    const stage = deadline && at.getTime() >= cutoff.getTime() ? null : currentStage(at, cutoff, programme.reminderLadder);
    return { ...escalationOf(programme, f, status, at, o, deadline), stage: stage?.key ?? null };
  }

  /** One message per escalation contact per stage, listing every lagging organisation in its remit. */
  private async digests(
    manager: EntityManager,
    programme: ProgrammeEntity,
    stage: Stage,
    candidates: DigestCandidate[],
    now: Date,
  ): Promise<PlannedDelivery[]> {
    const contacts: Array<Record<string, any>> = await manager.query(`SELECT * FROM escalation_contact ORDER BY created_at, id`);
    // an SRMA contact that names its agency hears of a sector only while the sector is with that agency, at this instant
    const agencyOf = contacts.some((c) => c.agency)
      ? new Map<string, string>(
          (await manager.query(`SELECT code, srma FROM sector sc WHERE ${sectorInForce('sc', '$1::timestamptz')}`, [now])).map(
            (r: { code: string; srma: string }) => [r.code, r.srma],
          ),
        )
      : null;
    const deliveries: PlannedDelivery[] = [];
    for (const contact of contacts) {
      const mine = candidates.filter(
        (c) =>
          ESCALATION_KINDS_AT_LEVEL[c.level].includes(contact.kind) &&
          (contact.kind === 'CISA_REGION' ? c.region === contact.region : c.sector === contact.sector_code) &&
          (!contact.agency || agencyOf?.get(c.sector) === contact.agency),
      );
      if (mine.length === 0) continue;
      mine.sort((a, b) => b.level - a.level || a.name.localeCompare(b.name));
      const level = mine[0].level;
      const payload: ReminderPayload = {
        kind: 'DIGEST',
        stage: stage.key,
        level,
        lagging: [],
        programme: programmeOfPayload(programme),
        organisations: mine
          .slice(0, 500)
          .map((c) => ({ id: c.organisationId, name: c.name, status: c.status, level: c.level, lagging: c.lagging.slice(0, 5) })),
        organisationsTotal: mine.length,
      };
      const base = {
        subjectKey: `digest:${contact.id}`,
        organisationId: null,
        programmeId: programme.id,
        stage: `DIGEST:${stage.key}`,
        level,
        recipientName: contact.name,
        recipientRole: contact.kind,
        timeZone: contact.time_zone,
        payload,
        dueAt: deliveryInstant(now, contact.time_zone, stage.urgent, DEFAULT_BUSINESS_HOURS),
      };
      if (contact.email) deliveries.push({ ...base, recipient: contact.email, channel: 'EMAIL' });
      if (contact.webhook_url) deliveries.push({ ...base, recipient: contact.webhook_url, channel: 'WEBHOOK' });
    }
    return deliveries;
  }

  /**
   * One statement. The unique key makes a re-run a no-op; a row cancelled because its inputs changed,
   * or because the organisation completed, comes back to life if the new plan wants it again (a
   * completion undone by a new report is reminded again), as a delivery planned afresh: a new hand-over
   * and its tries counted from zero (a row stopped in the middle of its retries does not end FAILED
   * early, nor with more tries than DELIVERY_ATTEMPTS). Sent rows never change.
   */
  private async insert(manager: EntityManager, planned: PlannedDelivery[]): Promise<number> {
    // one row per unique key, even if two contacts share an address
    const rows = [...new Map(planned.map((r) => [`${r.subjectKey}|${r.stage}|${r.level}|${r.recipient}|${r.channel}`, r])).values()];
    if (rows.length === 0) return 0;
    const now = this.clock.now();
    // The batch travels as two JSON documents (tens of thousands of rows): PostgreSQL reads them with
    // json_to_recordset, far cheaper than arrays of escaped JSON strings; only a count comes back. The
    // recipients of one organisation share its payload: it is sent and parsed once, and each row names it
    // by its position.
    const positions = new Map<ReminderPayload, number>();
    const payloads: ReminderPayload[] = [];
    const doc = JSON.stringify(
      rows.map((r) => {
        let pi = positions.get(r.payload);
        if (pi === undefined) {
          positions.set(r.payload, (pi = payloads.length));
          payloads.push(r.payload);
        }
        return {
          sk: r.subjectKey,
          oid: r.organisationId,
          pid: r.programmeId,
          st: r.stage,
          lv: r.level,
          rc: r.recipient,
          rn: r.recipientName,
          rr: r.recipientRole,
          ch: r.channel,
          tz: r.timeZone,
          pi,
          du: r.dueAt,
          ci: r.contactId ?? null,
        };
      }),
    );
    const [{ n }] = await manager.query(
      `WITH inserted AS (
         INSERT INTO reminder_delivery (subject_key, organisation_id, programme_id, stage, level, recipient, recipient_name, recipient_role, channel, time_zone, payload, due_at, created_at, contact_id)
         SELECT sk, oid, pid, st, lv, rc, rn, rr, ch, tz, p.pl, du, $2, ci
         FROM json_to_recordset($1::json)
           AS t(sk text, oid uuid, pid uuid, st text, lv smallint, rc text, rn text, rr text, ch text, tz text, pi int, du timestamptz, ci uuid)
         JOIN (SELECT (e.n - 1)::int AS pi, e.pl FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(pl, n)) p USING (pi)
         ON CONFLICT ON CONSTRAINT reminder_delivery_once DO UPDATE
           SET state = 'PENDING', payload = EXCLUDED.payload, contact_id = EXCLUDED.contact_id, due_at = EXCLUDED.due_at, cancel_reason = NULL, enqueued_at = NULL, sending_since = NULL, attempts = 0, last_error = NULL
           WHERE reminder_delivery.state = 'CANCELLED' AND reminder_delivery.cancel_reason IN ('recomputed', 'complete')
         RETURNING 1)
       SELECT count(*)::int AS n FROM inserted`,
      [doc, now, JSON.stringify(payloads)],
    );
    return n;
  }
}

/** The escalation rule over the organisation's signals (the same the stored rollup counts). */
function escalationOf(programme: ProgrammeEntity, f: Facts, status: StatusResult, now: Date, o: Record<string, any>, deadline: Date | null) {
  const s = signalsOf(f, status, now, programme.rules.removalVerifiedMilestoneKey);
  return escalationLevel(
    {
      // an organisation whose remaining work is all under extension climbs against its extended target
      now,
      cutoff: deadline ?? new Date(programme.updatesCutoff),
      overdueMilestones: s.overdue,
      endpointsTotal: s.endpointsTotal,
      endpointsRemaining: s.endpointsRemaining,
      reportStale: s.reportStale,
      hasOt: s.hasOt,
      criticalityTier: o.criticality_tier,
      acknowledgedLevel: o.acknowledged_level,
      pausedUntil: o.paused_until ? new Date(o.paused_until) : null,
    },
    programme.rules,
  );
}
