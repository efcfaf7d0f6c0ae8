import type { DataSource } from 'typeorm';
import { entityFromJson, entityJson } from '@libs/core/database/entity-columns';
import type { Actor } from '@libs/domain/actor';
import type { WorkItemKind } from '@libs/domain/vocabulary';
import { ContactEntity } from './entities/contact.entity';
import { ExtensionEntity } from './entities/extension.entity';
import { MilestoneEntity } from './entities/milestone.entity';
import type { OrganisationEntity } from './entities/organisation.entity';
import { organisationFromRow } from './organisation.repository';
import { ChildrenWanted, childrenFromRow, childrenSql, OrganisationChildren } from './organisation-rows';
import { organisationScopeSql } from './scope';

/**
 * What needs a liaison, in the caller's scope, for one programme, each item with the instant it began to
 * need them (`since`), oldest first. Precisely:
 *
 *  AWAITING_VERIFICATION  a milestone whose verification the status reads (the programme's inventory
 *                         milestone and its removal-verified milestone, rules.inventoryMilestoneKey and
 *                         rules.removalVerifiedMilestoneKey, on each track) reported DONE and not verified,
 *                         of an organisation not COMPLETE; since it was reported (its reported_at, else its
 *                         last update). Verifying another milestone changes no status, so it waits on no one.
 *  EXTENSION_REQUEST      an extension request not decided (REQUESTED) on a milestone of the programme;
 *                         since it was requested.
 *  STALE_REPORT           an organisation not COMPLETE whose last report is older than the programme's
 *                         stale period (staleReportDays; the status says STALE_REPORT, NOT_REPORTING);
 *                         one that never reported counts from its onboarding, so it appears once it has
 *                         gone a whole stale period without a report. Since the instant it went stale.
 *  NO_REACHABLE_CONTACT   an organisation not COMPLETE none of whose contacts can be reached: no contact,
 *                         or every contact has e-mail turned off and no webhook (notification_preference;
 *                         a contact without preferences gets e-mail). Since the organisation was onboarded
 *                         or its contacts or their preferences last changed, whichever is latest.
 *  FAILED_DELIVERY        a reminder to an organisation not COMPLETE that failed for good (FAILED, after
 *                         every retry), unless a later message reached its recipient since: one to the same
 *                         contact (a fresh link sent by sendContactLink, say) or to the same address on the
 *                         same channel was delivered (SENT). Since the reminder was due.
 *
 * Archived organisations are left out. A page is one statement whatever its size, and the organisation's
 * own rows a query wants are nested in it (as for the at-risk list); counting is a statement of its own,
 * run only when asked for.
 */

export interface WorkQueueFilter {
  programmeId: string;
  staleReportDays: number;
  now: Date;
  /** The milestones whose verification the status reads. */
  verifiedKeys: string[];
  kinds: WorkItemKind[] | null;
}

export interface WorkKey {
  since: Date;
  kind: WorkItemKind;
  itemId: string;
}

interface WorkDeliveryRow {
  id: string;
  channel: string;
  recipient: string;
  recipientName: string | null;
  stage: string;
  level: number;
  attempts: number;
  lastError: string | null;
  dueAt: Date;
  payload: unknown;
  timeZone: string;
}

export interface WorkRow extends WorkKey {
  organisation: OrganisationEntity;
  status: string;
  milestone: MilestoneEntity | null;
  extension: ExtensionEntity | null;
  /** Who a fresh link would go to: the recipient of a failed reminder, else the organisation's first reachable contact. */
  contact: ContactEntity | null;
  delivery: WorkDeliveryRow | null;
  children: OrganisationChildren;
}

/** The items, as (kind, since, item_id, organisation_id, milestone_id, extension_id, delivery_id) rows; `$1` programme, `$2` now, `$3` stale days, `$4` the verified keys. */
function itemsSql(actor: Actor, params: unknown[]): string {
  const scope = organisationScopeSql(actor, 'o', params);
  const reachable = `(coalesce(p.email_enabled, true) OR p.webhook_url IS NOT NULL)`;
  // A slice of the country (a liaison's sectors) is read organisation by organisation, each kind through an
  // index of its own (LATERAL … OFFSET 0 keeps the planner from trading the probes for a scan of every
  // milestone and contact in the country, which its estimates favour); the whole country (an admin) is read
  // set by set, with hash joins. The same rows either way. Measured on 50,000 organisations: a one-sector
  // liaison ~0.2 s, an admin ~0.6 s (one-organisation probes made the admin's 2 s).
  const slice = actor.role !== 'admin' && actor.role !== 'system';
  const probe = slice ? ' OFFSET 0' : '';
  const status = slice
    ? 'CROSS JOIN LATERAL (SELECT status FROM organisation_status WHERE organisation_id = o.id AND programme_id = $1 OFFSET 0) s'
    : 'JOIN organisation_status s ON s.organisation_id = o.id AND s.programme_id = $1';
  const reachableContact = `SELECT 1 AS one FROM contact c LEFT JOIN notification_preference p ON p.contact_id = c.id WHERE c.organisation_id = o.id AND ${reachable}`;
  const unreachable = slice
    ? { join: `LEFT JOIN LATERAL (${reachableContact} LIMIT 1) reachable ON true`, where: 'reachable.one IS NULL' }
    : { join: '', where: `NOT EXISTS (${reachableContact})` };
  return `
    scoped AS (
      SELECT o.id, o.created_at, o.last_reported_at, s.status FROM organisation o
      ${status}
      WHERE o.archived_at IS NULL AND ${scope}
    ),
    items AS (
      SELECT 'AWAITING_VERIFICATION'::text AS kind, date_trunc('milliseconds', coalesce(m.reported_at, m.updated_at)) AS since, m.id::text AS item_id,
             o.id AS organisation_id, m.id AS milestone_id, NULL::uuid AS extension_id, NULL::bigint AS delivery_id
      FROM scoped o
      CROSS JOIN LATERAL (SELECT id, reported_at, updated_at FROM milestone m
                          WHERE m.organisation_id = o.id AND m.programme_id = $1 AND m.key = ANY($4::text[]) AND m.state = 'DONE' AND m.verified_at IS NULL${probe}) m
      WHERE o.status <> 'COMPLETE'
      UNION ALL
      SELECT 'EXTENSION_REQUEST', date_trunc('milliseconds', e.requested_at), e.id::text, o.id, e.milestone_id, e.id, NULL
      FROM scoped o
      CROSS JOIN LATERAL (SELECT e.id, e.milestone_id, e.requested_at FROM extension e JOIN milestone m ON m.id = e.milestone_id AND m.programme_id = $1
                          WHERE e.organisation_id = o.id AND e.state = 'REQUESTED'${probe}) e
      UNION ALL
      SELECT 'STALE_REPORT', date_trunc('milliseconds', coalesce(o.last_reported_at, o.created_at) + make_interval(days => $3::int)), o.id::text, o.id, NULL, NULL, NULL
      FROM scoped o
      WHERE o.status <> 'COMPLETE' AND coalesce(o.last_reported_at, o.created_at) + make_interval(days => $3::int) < $2::timestamptz
      UNION ALL
      SELECT 'NO_REACHABLE_CONTACT',
             date_trunc('milliseconds', greatest(o.created_at, (SELECT max(greatest(c.updated_at, p.updated_at)) FROM contact c
               LEFT JOIN notification_preference p ON p.contact_id = c.id WHERE c.organisation_id = o.id))),
             o.id::text, o.id, NULL, NULL, NULL
      FROM scoped o ${unreachable.join}
      WHERE o.status <> 'COMPLETE' AND ${unreachable.where}
      UNION ALL
      SELECT 'FAILED_DELIVERY', date_trunc('milliseconds', d.due_at), d.id::text, o.id, NULL, NULL, d.id
      FROM scoped o
      CROSS JOIN LATERAL (SELECT id, due_at, recipient, channel, contact_id FROM reminder_delivery d
                          WHERE d.organisation_id = o.id AND d.state = 'FAILED' AND d.programme_id = $1${probe}) d
      WHERE o.status <> 'COMPLETE'
        AND NOT EXISTS (SELECT 1 FROM reminder_delivery later WHERE later.contact_id = d.contact_id AND later.state = 'SENT' AND later.id > d.id)
        AND NOT EXISTS (SELECT 1 FROM reminder_delivery later WHERE later.organisation_id = o.id AND later.recipient = d.recipient
                          AND later.channel = d.channel AND later.state = 'SENT' AND later.id > d.id)
    )`;
}

function baseParams(filter: WorkQueueFilter): unknown[] {
  return [filter.programmeId, filter.now, filter.staleReportDays, filter.verifiedKeys];
}

function kindCondition(filter: WorkQueueFilter, params: unknown[]): string {
  if (!filter.kinds) return 'TRUE';
  params.push(filter.kinds);
  return `i.kind = ANY($${params.length}::text[])`;
}

export const WorkQueueRepository = {
  /** One page, oldest first (since, then kind, then the item's id), after `after`; `limit + 1` rows tell whether more follow. */
  async page(
    dataSource: DataSource,
    actor: Actor,
    filter: WorkQueueFilter,
    options: { after: WorkKey | null; limit: number; nested: ChildrenWanted | null },
  ): Promise<WorkRow[]> {
    const params = baseParams(filter);
    const items = itemsSql(actor, params);
    let where = kindCondition(filter, params);
    if (options.after) {
      params.push(options.after.since, options.after.kind, options.after.itemId);
      const n = params.length;
      where += ` AND (i.since, i.kind, i.item_id) > ($${n - 2}::timestamptz, $${n - 1}::text, $${n}::text)`;
    }
    params.push(options.limit + 1);
    const limit = params.length;
    const nested = options.nested ? childrenSql(dataSource, options.nested, params) : '';
    const reachable = `(coalesce(p.email_enabled, true) OR p.webhook_url IS NOT NULL)`;
    const rows: Array<Record<string, any>> = await dataSource.query(
      `WITH ${items}
       SELECT i.kind AS work_kind, i.since AS work_since, i.item_id AS work_item_id, st.status AS work_status, o.*,
         (SELECT ${entityJson(dataSource, MilestoneEntity, 'm')} FROM milestone m WHERE m.id = i.milestone_id) AS work_milestone,
         (SELECT ${entityJson(dataSource, ExtensionEntity, 'e')} FROM extension e WHERE e.id = i.extension_id) AS work_extension,
         (SELECT json_build_object('id', d.id::text, 'channel', d.channel, 'recipient', d.recipient, 'recipientName', d.recipient_name, 'stage', d.stage,
                   'level', d.level, 'attempts', d.attempts, 'lastError', d.last_error, 'dueAt', d.due_at, 'payload', d.payload, 'timeZone', d.time_zone)
          FROM reminder_delivery d WHERE d.id = i.delivery_id) AS work_delivery,
         (SELECT ${entityJson(dataSource, ContactEntity, 'c')} FROM reminder_delivery d JOIN contact c ON c.organisation_id = d.organisation_id
            LEFT JOIN notification_preference p ON p.contact_id = c.id
          WHERE d.id = i.delivery_id
            AND (c.id = d.contact_id OR (d.contact_id IS NULL AND ((d.channel = 'EMAIL' AND c.email = d.recipient) OR (d.channel = 'WEBHOOK' AND p.webhook_url = d.recipient))))
          ORDER BY c.id LIMIT 1) AS work_recipient,
         (SELECT ${entityJson(dataSource, ContactEntity, 'c')} FROM contact c LEFT JOIN notification_preference p ON p.contact_id = c.id
          WHERE c.organisation_id = i.organisation_id AND ${reachable}
          ORDER BY array_position(ARRAY['PRIMARY','EXECUTIVE','SECURITY_LEAD','OTHER'], c.role), c.name, c.id LIMIT 1) AS work_contact${nested}
       FROM (SELECT * FROM items i WHERE ${where} ORDER BY i.since, i.kind, i.item_id LIMIT $${limit}) i
       JOIN organisation o ON o.id = i.organisation_id
       JOIN organisation_status st ON st.organisation_id = o.id AND st.programme_id = $1
       ORDER BY i.since, i.kind, i.item_id`,
      params,
    );
    return rows.map((r) => {
      const delivery = r.work_delivery as (Omit<WorkDeliveryRow, 'dueAt'> & { dueAt: string }) | null;
      const recipient = r.work_recipient ?? (delivery ? null : r.work_contact);
      return {
        kind: r.work_kind,
        since: r.work_since,
        itemId: r.work_item_id,
        status: r.work_status,
        organisation: organisationFromRow(r),
        milestone: r.work_milestone ? entityFromJson<MilestoneEntity>(dataSource, MilestoneEntity, r.work_milestone) : null,
        extension: r.work_extension ? entityFromJson<ExtensionEntity>(dataSource, ExtensionEntity, r.work_extension) : null,
        contact: recipient ? entityFromJson<ContactEntity>(dataSource, ContactEntity, recipient) : null,
        delivery: delivery ? { ...delivery, dueAt: new Date(delivery.dueAt) } : null,
        children: options.nested ? childrenFromRow(dataSource, options.nested, r) : {},
      };
    });
  },

  /** How many items of each kind there are in the caller's scope (kinds with none are left out). */
  async counts(dataSource: DataSource, actor: Actor, filter: WorkQueueFilter): Promise<Array<{ kind: WorkItemKind; count: number }>> {
    const params = baseParams(filter);
    const items = itemsSql(actor, params);
    const where = kindCondition(filter, params);
    return dataSource.query(`WITH ${items} SELECT i.kind, count(*)::int AS count FROM items i WHERE ${where} GROUP BY i.kind ORDER BY i.kind`, params);
  },
};
