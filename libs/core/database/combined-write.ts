import type { EntityManager } from 'typeorm';

/**
 * Writes that do not read one another's results, sent as one statement: each is a data-modifying CTE
 * (PostgreSQL runs them all, against one snapshot, whether the final SELECT names them or not), and the
 * statement answers how many rows each returned. The change path gathers a change's writes here (the
 * report's rows, the audit, the status rollups and the replan) and sends them at once: a round trip,
 * and a parse and a plan, instead of one each.
 *
 * A part's SQL numbers its parameters from $1 for its own list; they are renumbered here. Two parts must
 * not modify the same row (PostgreSQL would apply only one of them): callers add disjoint writes.
 */
export class CombinedWrite {
  private readonly ctes: string[] = [];
  private readonly counted: string[] = [];
  private readonly params: unknown[] = [];

  private names = 0;

  /** A CTE name not yet used in this statement. */
  unique(label: string): string {
    this.names += 1;
    return `${label}_${this.names}`;
  }

  /**
   * Adds a write, or a chain of CTEs where later ones read earlier ones (`prior` names them in order;
   * the last is the write whose returned rows are counted under `name`). Each CTE must end in RETURNING
   * when it is counted or read by another.
   */
  add(name: string, sql: string, params: readonly unknown[], prior: Array<[name: string, sql: string]> = []): void {
    const offset = this.params.length;
    const shift = (text: string) => text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    for (const [priorName, priorSql] of prior) this.ctes.push(`${priorName} AS (${shift(priorSql)})`);
    this.ctes.push(`${name} AS (${shift(sql)})`);
    this.counted.push(name);
    this.params.push(...params);
  }

  /** Sends the writes; the rows each returned, by name. Nothing is sent when there is nothing to write. */
  async run(manager: EntityManager): Promise<Record<string, number>> {
    if (this.ctes.length === 0) return {};
    const [row] = await manager.query(
      `WITH ${this.ctes.join(',\n')}\nSELECT ${this.counted.map((n) => `(SELECT count(*) FROM ${n})::int AS ${n}`).join(', ')}`,
      this.params,
    );
    return row;
  }
}
