import type { EntityManager } from 'typeorm';
import { CombinedWrite } from '@libs/core/database/combined-write';
import type { Actor } from '@libs/domain/actor';

export interface AuditChange {
  organisationId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before?: object | null;
  after?: object | null;
}

export interface AuditContext {
  at: Date;
  requestId: string | null;
  importId: string | null;
}

/** The audit trail: append-only (a trigger refuses updates and deletes), written in the change's own transaction. */
export const AuditRepository = {
  /** Every event of a change in one statement, whatever their number. */
  async record(manager: EntityManager, actor: Actor, changes: AuditChange[], context: AuditContext): Promise<void> {
    const write = new CombinedWrite();
    AuditRepository.addTo(write, actor, changes, context);
    await write.run(manager);
  },

  /** The same events as a part of a change's one write. */
  addTo(write: CombinedWrite, actor: Actor, changes: AuditChange[], context: AuditContext): void {
    if (changes.length === 0) return;
    write.add(
      write.unique('audit'),
      `INSERT INTO audit_event (occurred_at, actor, actor_role, organisation_id, entity_type, entity_id, action, before, after, import_id, request_id)
       SELECT $1, $2, $3, t.o, t.et, t.ei, t.a, t.b, t.af, $4, $5
       FROM unnest($6::uuid[], $7::text[], $8::text[], $9::text[], $10::jsonb[], $11::jsonb[]) AS t(o, et, ei, a, b, af) RETURNING 1`,
      [
        context.at,
        actor.id,
        actor.role,
        context.importId,
        context.requestId,
        changes.map((c) => c.organisationId),
        changes.map((c) => c.entityType),
        changes.map((c) => c.entityId),
        changes.map((c) => c.action),
        changes.map((c) => (c.before == null ? null : JSON.stringify(c.before))),
        changes.map((c) => (c.after == null ? null : JSON.stringify(c.after))),
      ],
    );
  },
};
