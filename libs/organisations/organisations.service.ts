import { Injectable } from '@nestjs/common';
import { entityColumns } from '../core/database/entity-columns';
import { DataSource, EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import { Actor } from '../domain/actor';
import { organisationScopeSql } from '../data/scope';
import { AuditService, changedFields } from '../audit/audit.service';
import { Clock } from '../core/clock/clock';
import { AppError, ErrorCode, FieldProblem } from '../core/errors/app-error';
import { OrganisationSortField, SortDirection } from '../domain/vocabulary';
import { MilestonePlanService } from '../data/milestone-plan.repository';
import { ProgrammesService } from '../programmes/programmes.service';
import { ReferenceService } from '../reference/reference.service';
import { StatusService } from '../status/status.service';
import { cancelPendingReminders } from '../data/outbox.repository';
import { ContactEntity } from '../data/entities/contact.entity';
import { mergeContacts } from '../data/contacts.repository';
import { ContactInput, CreateOrganisationInput, UpdateOrganisationInput, VersionedIdInput } from './dto/organisation.input';
import { OrganisationFilter, OrganisationsArgs } from './dto/organisations.args';
import { OrganisationEntity } from '../data/entities/organisation.entity';

const SORT_COLUMNS: Record<OrganisationSortField, { sql: string; of: (o: OrganisationEntity) => unknown }> = {
  NAME: { sql: 'lower(o.name)', of: (o) => o.name.toLowerCase() },
  CREATED_AT: { sql: 'o.created_at', of: (o) => o.createdAt.toISOString() },
  UPDATED_AT: { sql: 'o.updated_at', of: (o) => o.updatedAt.toISOString() },
  CRITICALITY: { sql: 'o.criticality_tier', of: (o) => o.criticalityTier },
};

export interface OrganisationPage {
  totalCount: number;
  rows: Array<{ organisation: OrganisationEntity; cursor: string }>;
  hasNextPage: boolean;
}

const encodeCursor = (value: unknown, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url');
function decodeCursor(cursor: string): [unknown, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string' && /^[0-9a-f-]{36}$/.test(parsed[1])) return parsed as [unknown, string];
  } catch {
    /* fall through */
  }
  throw AppError.badInput('after', 'is not a cursor this API issued');
}

export function organisationFromRow(r: Record<string, any>): OrganisationEntity {
  return Object.assign(new OrganisationEntity(), {
    id: r.id, externalKey: r.external_key, name: r.name, primarySectorCode: r.primary_sector_code,
    secondarySectorCodes: r.secondary_sector_codes ?? [], stateCode: r.state_code, sizeBand: r.size_band,
    criticalityTier: r.criticality_tier, archivedAt: r.archived_at, lastReportedAt: r.last_reported_at,
    createdAt: r.created_at, updatedAt: r.updated_at, version: r.version,
  });
}

@Injectable()
export class OrganisationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly reference: ReferenceService,
    private readonly programmes: ProgrammesService,
    private readonly plan: MilestonePlanService,
    private readonly status: StatusService,
  ) {}

  /** The WHERE of a filtered list in the caller's scope, for pages and for exports alike. */
  async filterSql(actor: Actor, f: OrganisationFilter = {}, programmeId?: string): Promise<{ where: string[]; params: unknown[] }> {
    const params: unknown[] = [];
    const where: string[] = [organisationScopeSql(actor, 'o', params)];
    if (!f.includeArchived) where.push('o.archived_at IS NULL');
    if (f.sector) {
      params.push(f.sector);
      where.push(`(o.primary_sector_code = $${params.length} OR $${params.length} = ANY(o.secondary_sector_codes))`);
    }
    if (f.state) {
      params.push(f.state);
      where.push(`o.state_code = $${params.length}`);
    }
    if (f.region) {
      params.push(f.region);
      where.push(`o.state_code IN (SELECT code FROM us_state WHERE region = $${params.length})`);
    }
    if (f.search) {
      params.push(`%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(o.name ILIKE $${params.length} OR o.external_key ILIKE $${params.length})`);
    }
    if (f.status) {
      const programme = await this.programmes.resolve(programmeId);
      params.push(programme.id, f.status);
      where.push(`EXISTS (SELECT 1 FROM organisation_status s WHERE s.organisation_id = o.id AND s.programme_id = $${params.length - 1} AND s.status = $${params.length})`);
    }
    return { where, params };
  }

  /** One page and its total: two statements whatever the page size. */
  async list(actor: Actor, args: OrganisationsArgs): Promise<OrganisationPage> {
    const first = args.first ?? 50;
    const { where, params } = await this.filterSql(actor, args.filter, args.programmeId);
    const countParams = [...params];
    const countWhere = where.join(' AND ');

    const order = args.orderBy ?? { field: OrganisationSortField.NAME, direction: SortDirection.ASC };
    const sort = SORT_COLUMNS[order.field];
    const dir = order.direction === SortDirection.DESC ? 'DESC' : 'ASC';
    if (args.after) {
      const [value, id] = decodeCursor(args.after);
      params.push(value, id);
      where.push(`(${sort.sql}, o.id) ${dir === 'ASC' ? '>' : '<'} ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(first + 1);
    const [rows, count] = await Promise.all([
      this.dataSource.query(
        `SELECT o.* FROM organisation o WHERE ${where.join(' AND ')} ORDER BY ${sort.sql} ${dir}, o.id ${dir} LIMIT $${params.length}`,
        params,
      ),
      this.dataSource.query(`SELECT count(*)::int AS n FROM organisation o WHERE ${countWhere}`, countParams),
    ]);
    const organisations = rows.slice(0, first).map(organisationFromRow);
    return {
      totalCount: count[0].n,
      hasNextPage: rows.length > first,
      rows: organisations.map((o: OrganisationEntity) => ({ organisation: o, cursor: encodeCursor(sort.of(o), o.id) })),
    };
  }

  /**
   * Locks a row that belongs to an organisation (footprint, milestone, extension) for update, and
   * answers NOT_FOUND, under the row's own name, both when it does not exist and when its organisation
   * is outside the caller's scope.
   */
  async lockOwned<T extends { organisationId: string }>(manager: EntityManager, actor: Actor, entity: EntityTarget<T>, label: string, id: string): Promise<T> {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await manager.findOne(entity, { where: { id } as unknown as FindOptionsWhere<T>, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!row) throw AppError.notFound(label, id);
    await this.get(actor, row.organisationId, manager).catch(AppError.asNotFound(label, id));
    return row;
  }

  /** NOT_FOUND both for an id that does not exist and for one outside the caller's scope. */
  async get(actor: Actor, id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<OrganisationEntity> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw AppError.notFound('Organisation', id);
    const params: unknown[] = [id];
    const scope = organisationScopeSql(actor, 'o', params);
    const rows = await manager.query(`SELECT o.* FROM organisation o WHERE o.id = $1 AND ${scope}${lock ? ' FOR UPDATE' : ''}`, params);
    if (rows.length === 0) throw AppError.notFound('Organisation', id);
    return organisationFromRow(rows[0]);
  }

  async create(actor: Actor, input: CreateOrganisationInput): Promise<OrganisationEntity> {
    await this.validateReferences(input.primarySector, input.secondarySectors, input.state);
    this.assertSectorsInScope(actor, input.primarySector);
    const programme = await this.programmes.resolve();
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.query(`SELECT 1 FROM organisation WHERE external_key = $1`, [input.externalKey]);
      if (existing.length) throw new AppError(ErrorCode.CONFLICT, `externalKey: an organisation with key ${input.externalKey} already exists`, { field: 'externalKey' });
      const now = this.clock.now();
      const organisation = await manager.save(
        manager.create(OrganisationEntity, {
          externalKey: input.externalKey, name: input.name.trim(), primarySectorCode: input.primarySector,
          secondarySectorCodes: this.normaliseSecondary(input.primarySector, input.secondarySectors), stateCode: input.state,
          sizeBand: input.sizeBand, criticalityTier: input.criticalityTier, archivedAt: null, lastReportedAt: null,
          createdAt: now, updatedAt: now,
        }),
      );
      const contacts = await this.replaceContacts(manager, organisation.id, input.contacts ?? [], now);
      const milestones = await this.plan.instantiate(manager, programme, organisation.id, 'IT', now);
      await this.audit.record(manager, actor, [
        { organisationId: organisation.id, entityType: 'organisation', entityId: organisation.id, action: 'create', after: { ...organisation, contacts } },
        ...milestones.map((m) => ({ organisationId: organisation.id, entityType: 'milestone', entityId: m.id, action: 'create', after: m })),
      ]);
      await this.status.refresh(manager, programme, [organisation.id]);
      return organisation;
    });
  }

  async update(actor: Actor, input: UpdateOrganisationInput): Promise<OrganisationEntity> {
    const current0 = await this.get(actor, input.id);
    await this.validateReferences(input.primarySector ?? current0.primarySectorCode, input.secondarySectors, input.state);
    if (input.primarySector) this.assertSectorsInScope(actor, input.primarySector);
    return this.dataSource.transaction(async (manager) => {
      const current = await this.get(actor, input.id, manager, true);
      if (current.version !== input.version) throw AppError.conflict('Organisation', current.id, input.version, current.version);
      const now = this.clock.now();
      const before = { ...current };
      const primary = input.primarySector ?? current.primarySectorCode;
      const next = Object.assign(current, {
        name: input.name?.trim() ?? current.name,
        primarySectorCode: primary,
        secondarySectorCodes: this.normaliseSecondary(primary, input.secondarySectors ?? current.secondarySectorCodes),
        stateCode: input.state ?? current.stateCode,
        sizeBand: input.sizeBand ?? current.sizeBand,
        criticalityTier: input.criticalityTier ?? current.criticalityTier,
        updatedAt: now,
      });
      const saved = await manager.save(OrganisationEntity, next);
      const diff = changedFields(before, { ...saved, version: before.version });
      const changes = Object.keys(diff.after).length ? [{ organisationId: saved.id, entityType: 'organisation', entityId: saved.id, action: 'update', ...diff }] : [];
      if (input.contacts) {
        const old = await manager.find(ContactEntity, { where: { organisationId: saved.id }, order: { createdAt: 'ASC' } });
        const contacts = await this.replaceContacts(manager, saved.id, input.contacts, now);
        changes.push({ organisationId: saved.id, entityType: 'contact', entityId: saved.id, action: 'replace', before: old.map(stripContact) as never, after: contacts as never });
        // reminders planned for the old contacts are planned again for the new ones
        await cancelPendingReminders(manager, saved.id, 'recomputed');
      }
      await this.audit.record(manager, actor, changes);
      return saved;
    });
  }

  async archive(actor: Actor, input: VersionedIdInput): Promise<OrganisationEntity> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.get(actor, input.id, manager, true);
      if (current.version !== input.version) throw AppError.conflict('Organisation', current.id, input.version, current.version);
      if (current.archivedAt) throw AppError.badInput('id', 'the organisation is already archived');
      const now = this.clock.now();
      const saved = await manager.save(OrganisationEntity, Object.assign(current, { archivedAt: now, updatedAt: now }));
      await this.audit.record(manager, actor, [
        { organisationId: saved.id, entityType: 'organisation', entityId: saved.id, action: 'archive', before: { archivedAt: null }, after: { archivedAt: now } },
      ]);
      return saved;
    });
  }

  /** Contacts of many organisations in one statement (DataLoader). */
  contactsOf(ids: readonly string[]): Promise<ContactEntity[]> {
    return this.dataSource.query(
      `SELECT ${entityColumns(this.dataSource, ContactEntity, 'c')} FROM contact c WHERE c.organisation_id = ANY($1::uuid[])
       ORDER BY array_position(ARRAY['PRIMARY','EXECUTIVE','SECURITY_LEAD','OTHER'], c.role), c.name, c.id`,
      [ids],
    );
  }

  /** Contacts that stay (same role and e-mail) keep their ids and notification preferences. */
  private async replaceContacts(manager: EntityManager, organisationId: string, contacts: ContactInput[], now: Date) {
    const rows = contacts.map((c) => ({ organisationId, role: c.role, name: c.name.trim(), email: c.email.trim().toLowerCase(), timeZone: c.timeZone ?? 'America/New_York' }));
    await mergeContacts(manager, [organisationId], rows, now);
    return rows.map(({ role, name, email, timeZone }) => ({ role, name, email, timeZone }));
  }

  private normaliseSecondary(primary: string, secondary: string[] = []): string[] {
    return [...new Set(secondary)].filter((s) => s !== primary).sort();
  }

  private assertSectorsInScope(actor: Actor, primary: string) {
    if (actor.role === 'liaison' && !(actor.sectors ?? []).includes(primary)) {
      throw new AppError(ErrorCode.FORBIDDEN, `primarySector: ${primary} is outside your sectors`, { field: 'primarySector' });
    }
  }

  private async validateReferences(primary: string, secondary: string[] | undefined, state: string | undefined) {
    const problems: FieldProblem[] = [];
    if (!(await this.reference.sector(primary))) problems.push({ field: 'primarySector', message: `unknown sector ${primary}` });
    for (const code of secondary ?? []) {
      if (!(await this.reference.sector(code))) problems.push({ field: 'secondarySectors', message: `unknown sector ${code}` });
    }
    if (state !== undefined && !(await this.reference.state(state))) problems.push({ field: 'state', message: `unknown US state or territory ${state}` });
    if (problems.length) throw AppError.badInputs(problems);
  }
}

function stripContact(c: ContactEntity) {
  return { role: c.role, name: c.name, email: c.email, timeZone: c.timeZone };
}
