import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@libs/core/clock/clock';
import { AppError, ErrorCode } from '@libs/core/errors/app-error';
import type { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import type { ChildrenWanted } from '@libs/data/organisation-rows';
import { WorkKey, WorkQueueFilter, WorkQueueRepository, WorkRow } from '@libs/data/work-queue.repository';
import type { Actor } from '@libs/domain/actor';
import { WorkItemKind } from '@libs/domain/vocabulary';

export interface WorkQueuePage {
  items: Array<WorkRow & { cursor: string }>;
  endCursor: string | null;
  hasNextPage: boolean;
  /** Null unless asked for: counting is a statement of its own. */
  counts: Array<{ kind: WorkItemKind; count: number }> | null;
}

const KINDS = new Set<string>(Object.values(WorkItemKind));

/** The opaque cursor of the queue's order: [since (epoch ms), kind, item id], base64url JSON. */
const encodeWorkCursor = (key: WorkKey): string => Buffer.from(JSON.stringify([key.since.getTime(), key.kind, key.itemId])).toString('base64url');

function decodeWorkCursor(cursor: string): WorkKey {
  try {
    const [since, kind, itemId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Number.isSafeInteger(since) && KINDS.has(kind) && typeof itemId === 'string' && /^[0-9a-f-]{1,36}$/.test(itemId)) {
      return { since: new Date(since), kind, itemId };
    }
  } catch {
    /* not ours */
  }
  throw AppError.badInput('after', 'is not a cursor this API issued');
}

/**
 * A liaison's work queue (admins see everyone's): what needs them in their sectors, oldest first. Which
 * items there are, precisely, is said at the top of libs/data/work-queue.repository.ts. Liaisons and admins
 * only: a reporter or a viewer is refused (the resolver's rule, and here again for any other door).
 */
@Injectable()
export class WorkQueueService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async page(
    actor: Actor,
    programme: ProgrammeEntity,
    options: { first?: number; after?: string; kinds?: WorkItemKind[] | null; counts?: boolean; nested?: ChildrenWanted | null },
  ): Promise<WorkQueuePage> {
    if (actor.role !== 'admin' && actor.role !== 'liaison') throw new AppError(ErrorCode.FORBIDDEN, 'The work queue is for liaisons and admins');
    const limit = Math.min(Math.max(options.first ?? 25, 1), 200);
    const after = options.after ? decodeWorkCursor(options.after) : null;
    const filter: WorkQueueFilter = {
      programmeId: programme.id,
      staleReportDays: programme.staleReportDays,
      now: this.clock.now(),
      verifiedKeys: [programme.rules.inventoryMilestoneKey, programme.rules.removalVerifiedMilestoneKey],
      kinds: options.kinds?.length ? [...new Set(options.kinds)] : null,
    };
    const [rows, counts] = await Promise.all([
      WorkQueueRepository.page(this.dataSource, actor, filter, { after, limit, nested: options.nested ?? null }),
      options.counts ? WorkQueueRepository.counts(this.dataSource, actor, filter) : Promise.resolve(null),
    ]);
    const items = rows.slice(0, limit).map((row) => ({ ...row, cursor: encodeWorkCursor(row) }));
    return { items, endCursor: items.at(-1)?.cursor ?? null, hasNextPage: rows.length > limit, counts };
  }
}
