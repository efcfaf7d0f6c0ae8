import type { Actor } from '@libs/domain/actor';

/**
 * The SQL condition that limits organisation rows to an actor's scope. Every read and write of
 * organisation data passes through it, so a nested field, a filter or a total cannot reach past it.
 * `params` is the statement's parameter list; the condition appends what it needs.
 */
export function organisationScopeSql(actor: Actor, alias: string, params: unknown[]): string {
  switch (actor.role) {
    case 'admin':
    case 'system':
      return 'TRUE';
    case 'liaison':
      params.push(actor.sectors ?? []);
      return `(${alias}.primary_sector_code = ANY($${params.length}::text[]) OR ${alias}.secondary_sector_codes && $${params.length}::text[])`;
    case 'reporter':
      params.push(actor.organisationId ?? '00000000-0000-0000-0000-000000000000');
      return `${alias}.id = $${params.length}::uuid`;
    default:
      return 'FALSE';
  }
}
