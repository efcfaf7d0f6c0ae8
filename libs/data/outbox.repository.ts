import type { EntityManager } from 'typeorm';

/**
 * Pending reminders of an organisation are cancelled when what they were planned from changes (a
 * target date, an extension, a contact) or when removal is verified; the next planner run plans
 * afresh. Sent rows are never touched, so nothing already sent is sent again.
 */
export async function cancelPendingReminders(manager: EntityManager, organisationId: string, reason: 'recomputed' | 'complete'): Promise<void> {
  await manager.query(
    `UPDATE reminder_delivery SET state = 'CANCELLED', cancel_reason = $2 WHERE organisation_id = $1 AND state = 'PENDING'`,
    [organisationId, reason],
  );
}

/** After a write that changed an organisation's facts: what was planned from the old facts is planned again. */
export async function replanReminders(manager: EntityManager, organisationId: string, status: string | undefined): Promise<void> {
  await cancelPendingReminders(manager, organisationId, status === 'COMPLETE' ? 'complete' : 'recomputed');
}

/** The same for many organisations at once (imports): two statements whatever their number. */
export async function replanRemindersMany(manager: EntityManager, statusById: Map<string, { status: string }>, ids: string[] = [...statusById.keys()]): Promise<void> {
  const complete = ids.filter((id) => statusById.get(id)?.status === 'COMPLETE');
  const other = ids.filter((id) => statusById.get(id)?.status !== 'COMPLETE');
  for (const [group, reason] of [[complete, 'complete'], [other, 'recomputed']] as const) {
    if (group.length === 0) continue;
    await manager.query(
      `UPDATE reminder_delivery SET state = 'CANCELLED', cancel_reason = $2 WHERE organisation_id = ANY($1::uuid[]) AND state = 'PENDING'`,
      [group, reason],
    );
  }
}
