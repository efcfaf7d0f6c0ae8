import type { EntityManager } from 'typeorm';
import { CombinedWrite } from '@libs/core/database/combined-write';
import { markForReplanSql } from './plan.repository';

/**
 * What was planned from an organisation's old facts stops when they change (a report, a target date,
 * an extension, a contact, a snooze) or when removal is verified; the next planner run plans afresh.
 * Rows still waiting (PENDING) and rows already handed to the queue but not yet sent (ENQUEUED) are
 * both cancelled: the sender claims a row only from those states, so a queued job finds it cancelled
 * and sends nothing. Rows being sent or sent are never touched, so nothing already sent goes again.
 */
/** The states of a planned reminder that a replan stops. */
export const PLANNED_STATES_SQL = `('PENDING', 'ENQUEUED')`;

export type ReplanReason = 'recomputed' | 'complete';

export async function cancelPlannedReminders(manager: EntityManager, organisationIds: readonly string[], reason: ReplanReason): Promise<void> {
  const write = new CombinedWrite();
  cancelPlannedRemindersIn(write, organisationIds, reason);
  await write.run(manager);
}

/** The same, as a part of a change's one write. */
export function cancelPlannedRemindersIn(write: CombinedWrite, organisationIds: readonly string[], reason: ReplanReason): void {
  if (organisationIds.length === 0) return;
  // and the planner looks at them again at its next pass, in every programme they take part in (organisation_plan, migration 0061)
  write.add(
    write.unique('cancelled'),
    `UPDATE reminder_delivery SET state = 'CANCELLED', cancel_reason = $2
     WHERE organisation_id = ANY($1::uuid[]) AND state IN ${PLANNED_STATES_SQL} RETURNING 1`,
    [organisationIds, reason],
    [
      [
        write.unique('marked'),
        `${markForReplanSql(`SELECT organisation_id, programme_id FROM organisation_status WHERE organisation_id = ANY($1::uuid[])`)} RETURNING 1`,
      ],
    ],
  );
}
