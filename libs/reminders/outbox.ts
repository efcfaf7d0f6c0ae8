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
