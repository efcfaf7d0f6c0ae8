import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@libs/core/clock/clock';
import { currentRequestId } from '@libs/core/context/request-context';
import type { Actor } from '@libs/domain/actor';
import { AuditEventEntity } from '@libs/data/entities/audit-event.entity';
import { AuditChange, AuditRepository } from '@libs/data/audit.repository';

export type { AuditChange };

const comparable = (v: unknown) => (v instanceof Date ? v.toISOString() : JSON.stringify(v));

/** Only the fields that changed, before and after; a create or delete keeps the whole row. */
export function changedFields(before: object, after: object): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    if (key === 'updatedAt') continue;
    if (comparable(left[key]) !== comparable(right[key])) {
      b[key] = left[key] ?? null;
      a[key] = right[key] ?? null;
    }
  }
  return { before: b, after: a };
}

@Injectable()
export class AuditService {
  constructor(
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
  ) {}

  /** Writes the events in the caller's transaction, in one statement: the change and its record commit together. */
  record(manager: EntityManager, actor: Actor, changes: AuditChange[], importId: string | null = null): Promise<void> {
    return AuditRepository.record(manager, actor, changes, { at: this.clock.now(), requestId: currentRequestId() ?? null, importId });
  }

  /** Newest first, keyset-paginated by id. */
  async history(organisationId: string, first: number, before?: string): Promise<AuditEventEntity[]> {
    const qb = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.organisation_id = :organisationId', { organisationId })
      .orderBy('e.id', 'DESC')
      .limit(first);
    if (before) qb.andWhere('e.id < :before', { before });
    return qb.getMany();
  }

  /** History for many organisations at once (DataLoader): the latest `perOrganisation` of each, one statement. */
  async latestFor(organisationIds: readonly string[], perOrganisation: number): Promise<AuditEventEntity[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT e.* FROM unnest($1::uuid[]) AS o(id)
       CROSS JOIN LATERAL (
         SELECT * FROM audit_event WHERE organisation_id = o.id ORDER BY id DESC LIMIT $2
       ) e`,
      [organisationIds, perOrganisation],
    );
    return rows.map((r) =>
      Object.assign(new AuditEventEntity(), {
        id: String(r.id),
        occurredAt: r.occurred_at,
        actor: r.actor,
        actorRole: r.actor_role,
        organisationId: r.organisation_id,
        entityType: r.entity_type,
        entityId: r.entity_id,
        action: r.action,
        before: r.before,
        after: r.after,
        importId: r.import_id,
        requestId: r.request_id,
      }),
    );
  }
}
