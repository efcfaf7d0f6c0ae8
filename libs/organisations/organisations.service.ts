import { Injectable } from '@nestjs/common';
import { ChildrenWanted, childrenFromRow, childrenSql, childRows, OrganisationChildren } from '@libs/data/organisation-rows';
import { DataSource, EntityManager } from 'typeorm';
import { OrganisationChange } from '@libs/changes/organisation-change.service';
import { organisationFromRow, OrganisationRepository } from '@libs/data/organisation.repository';
import { decodeCursor, encodeCursor } from '@libs/domain/cursor';
import { Actor } from '@libs/domain/actor';
import { organisationScopeSql } from '@libs/data/scope';
import { changedFields } from '@libs/audit/audit.service';
import { Clock } from '@libs/core/clock/clock';
import { AppError, ErrorCode, FieldProblem } from '@libs/core/errors/app-error';
import { OrganisationSortField, SortDirection } from '@libs/domain/vocabulary';
import { MilestonePlanService } from '@libs/data/milestone-plan.repository';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { ReferenceService } from '@libs/reference/reference.service';
import { ContactEntity } from '@libs/data/entities/contact.entity';
import { mergeContacts } from '@libs/data/contacts.repository';
import { ContactInput, CreateOrganisationInput, UpdateOrganisationInput, VersionedIdInput } from './dto/organisation.input';
import { OrganisationFilter, OrganisationsArgs } from './dto/organisations.args';
import { OrganisationEntity } from '@libs/data/entities/organisation.entity';
import type { ProgrammeEntity } from '@libs/data/entities/programme.entity';

const SORT_COLUMNS: Record<OrganisationSortField, { sql: string; of: (o: OrganisationEntity) => unknown }> = {
  NAME: { sql: 'lower(o.name)', of: (o) => o.name.toLowerCase() },
  CREATED_AT: { sql: 'o.created_at', of: (o) => o.createdAt.toISOString() },
  UPDATED_AT: { sql: 'o.updated_at', of: (o) => o.updatedAt.toISOString() },
  CRITICALITY: { sql: 'o.criticality_tier', of: (o) => o.criticalityTier },
};

export interface OrganisationPage {
  /** Null when not asked for. */
  totalCount: number | null;
  rows: Array<{ organisation: OrganisationEntity; cursor: string; children: OrganisationChildren }>;
  hasNextPage: boolean;
}

@Injectable()
export class OrganisationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly change: OrganisationChange,
    private readonly reference: ReferenceService,
    private readonly programmes: ProgrammesService,
    private readonly plan: MilestonePlanService,
  ) {}

  /** The WHERE of a filtered list in the caller's scope, for pages and for exports alike. */
  filterSql(actor: Actor, f: OrganisationFilter, programmeId: string): { where: string[]; params: unknown[] } {
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
      params.push(programmeId, f.status);
      where.push(
        `EXISTS (SELECT 1 FROM organisation_status s WHERE s.organisation_id = o.id AND s.programme_id = $${params.length - 1} AND s.status = $${params.length})`,
      );
    }
    // one footprint row of the programme meets every footprint condition at once (that product, there, still running)
    if (f.product || f.environment || f.whiteLabelVendor) {
      params.push(programmeId);
      const row = [`f.organisation_id = o.id`, `f.programme_id = $${params.length}`];
      if (f.product) {
        params.push(f.product);
        row.push(`f.product_code = $${params.length}`);
      }
      if (f.environment) {
        params.push(f.environment);
        row.push(`f.environment = $${params.length}`);
      }
      if (f.whiteLabelVendor) {
        params.push(f.whiteLabelVendor.trim());
        row.push(`f.product_code = 'WHITE_LABEL' AND lower(btrim(f.vendor)) = lower($${params.length})`);
      }
      if (f.stillRunning) row.push('f.endpoints_remaining > 0');
      where.push(`EXISTS (SELECT 1 FROM footprint f WHERE ${row.join(' AND ')})`);
    } else if (f.stillRunning) {
      throw AppError.badInput('filter.stillRunning', 'needs product, environment or whiteLabelVendor');
    }
    return { where, params };
  }

  /** One page and its total: two statements whatever the page size. */
  async list(
    actor: Actor,
    args: OrganisationsArgs,
    programmeId: string,
    options: { total?: boolean; nested?: ChildrenWanted | null } = {},
  ): Promise<OrganisationPage> {
    const nested = options.nested;
    const first = args.first ?? 50;
    const { where, params } = this.filterSql(actor, args.filter ?? {}, programmeId);
    const countParams = [...params];
    const countWhere = where.join(' AND ');

    const order = args.orderBy ?? { field: OrganisationSortField.NAME, direction: SortDirection.ASC };
    const sort = SORT_COLUMNS[order.field];
    const dir = order.direction === SortDirection.DESC ? 'DESC' : 'ASC';
    if (args.after) {
      const decoded = decodeCursor(args.after);
      if (!decoded) throw AppError.badInput('after', 'is not a cursor this API issued');
      const [value, id] = decoded;
      params.push(value, id);
      where.push(`(${sort.sql}, o.id) ${dir === 'ASC' ? '>' : '<'} ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(first + 1);
    const limit = params.length;
    const nestedSql = nested ? childrenSql(this.dataSource, nested, params) : '';
    const [rows, count] = await Promise.all([
      this.dataSource.query(
        `SELECT o.*${nestedSql} FROM (SELECT o.* FROM organisation o WHERE ${where.join(' AND ')} ORDER BY ${sort.sql} ${dir}, o.id ${dir} LIMIT $${limit}) o
         ORDER BY ${sort.sql} ${dir}, o.id ${dir}`,
        params,
      ),
      options.total === false ? null : this.dataSource.query(`SELECT count(*)::int AS n FROM organisation o WHERE ${countWhere}`, countParams),
    ]);
    return {
      totalCount: count ? count[0].n : null,
      hasNextPage: rows.length > first,
      rows: rows.slice(0, first).map((r: Record<string, unknown>) => {
        const o = organisationFromRow(r);
        return { organisation: o, cursor: encodeCursor(sort.of(o), o.id), children: nested ? childrenFromRow(this.dataSource, nested, r) : {} };
      }),
    };
  }

  /** NOT_FOUND both for an id that does not exist and for one outside the caller's scope. */
  get(actor: Actor, id: string): Promise<OrganisationEntity> {
    return OrganisationRepository.getInScope(this.dataSource.manager, actor, id);
  }

  /** One organisation with the rows of its own the read will need, in one statement. */
  getWithRows(actor: Actor, id: string, wanted: ChildrenWanted) {
    return OrganisationRepository.getWithRows(this.dataSource.manager, actor, id, wanted);
  }

  /** A new organisation, with its contacts and its milestone plan in each of the programmes it takes part in. */
  async create(actor: Actor, input: CreateOrganisationInput, programmes: ProgrammeEntity[]): Promise<OrganisationEntity> {
    await this.validateReferences(input.primarySector, input.secondarySectors, input.state);
    this.assertSectorsInScope(actor, input.primarySector);
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.query(`SELECT 1 FROM organisation WHERE external_key = $1`, [input.externalKey]);
      if (existing.length)
        throw new AppError(ErrorCode.CONFLICT, `externalKey: an organisation with key ${input.externalKey} already exists`, { field: 'externalKey' });
      const now = this.clock.now();
      const organisation = await manager.save(
        manager.create(OrganisationEntity, {
          externalKey: input.externalKey,
          name: input.name.trim(),
          primarySectorCode: input.primarySector,
          secondarySectorCodes: this.normaliseSecondary(input.primarySector, input.secondarySectors),
          stateCode: input.state,
          sizeBand: input.sizeBand,
          criticalityTier: input.criticalityTier,
          archivedAt: null,
          lastReportedAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const contacts = await this.replaceContacts(manager, organisation.id, input.contacts ?? [], now);
      const milestones = [];
      for (const programme of programmes) milestones.push(...(await this.plan.instantiate(manager, programme, organisation.id, 'IT', now)));
      await this.change.finish(
        manager,
        actor,
        {
          changes: [
            { organisationId: organisation.id, entityType: 'organisation', entityId: organisation.id, action: 'create', after: { ...organisation, contacts } },
            ...milestones.map((m) => ({ organisationId: organisation.id, entityType: 'milestone', entityId: m.id, action: 'create', after: m })),
          ],
          statuses: programmes.map((programme) => ({ programme, organisationIds: [organisation.id] })),
          replan: false,
        },
        now,
      );
      return organisation;
    });
  }

  /**
   * A staff edit of the organisation's own fields and contacts. It is not a report; its criticality
   * feeds the risk score and escalation, so every programme's stored status is derived again, and what
   * reminders were planned for old contacts or an old criticality is planned afresh.
   */
  async update(actor: Actor, input: UpdateOrganisationInput): Promise<OrganisationEntity> {
    const current0 = await this.get(actor, input.id);
    await this.validateReferences(input.primarySector ?? current0.primarySectorCode, input.secondarySectors, input.state);
    if (input.primarySector) this.assertSectorsInScope(actor, input.primarySector);
    const programmes = await this.programmes.list();
    return this.change.run(actor, { organisationId: input.id }, async (unit) => {
      const { manager, now } = unit;
      const current = unit.organisation;
      if (current.version !== input.version) throw AppError.conflict('Organisation', current.id, input.version, current.version);
      // an organisation's sectors are its primary sector's liaison's to change: a liaison who sees it
      // through a secondary sector may not take it over or widen who sees it
      const sectorsChange =
        (input.primarySector !== undefined && input.primarySector !== current.primarySectorCode) ||
        (input.secondarySectors !== undefined &&
          this.normaliseSecondary(input.primarySector ?? current.primarySectorCode, input.secondarySectors).join() !== current.secondarySectorCodes.join());
      if (sectorsChange && actor.role === 'liaison' && !(actor.sectors ?? []).includes(current.primarySectorCode)) {
        throw new AppError(
          ErrorCode.FORBIDDEN,
          `primarySector: only an admin or a liaison of ${current.primarySectorCode} may change this organisation's sectors`,
          { field: 'primarySector' },
        );
      }
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
      if (Object.keys(diff.after).length) unit.record({ organisationId: saved.id, entityType: 'organisation', entityId: saved.id, action: 'update', ...diff });
      let replan = saved.criticalityTier !== before.criticalityTier;
      if (input.contacts) {
        const old = await manager.find(ContactEntity, { where: { organisationId: saved.id }, order: { createdAt: 'ASC' } });
        const contacts = await this.replaceContacts(manager, saved.id, input.contacts, now);
        unit.record({
          organisationId: saved.id,
          entityType: 'contact',
          entityId: saved.id,
          action: 'replace',
          before: old.map(stripContact) as never,
          after: contacts as never,
        });
        // reminders planned for the old contacts are planned again for the new ones
        replan = true;
      }
      // its status is derived again in each programme it takes part in (none other gets one)
      const joined: Array<{ programme_id: string }> = await manager.query(`SELECT DISTINCT programme_id FROM milestone WHERE organisation_id = $1`, [saved.id]);
      for (const programme of programmes) if (joined.some((j) => j.programme_id === programme.id)) unit.touch(programme);
      unit.set.replan = replan;
      return saved;
    });
  }

  async archive(actor: Actor, input: VersionedIdInput): Promise<OrganisationEntity> {
    return this.change.run(actor, { organisationId: input.id }, async (unit) => {
      const current = unit.organisation;
      if (current.version !== input.version) throw AppError.conflict('Organisation', current.id, input.version, current.version);
      if (current.archivedAt) throw AppError.badInput('id', 'the organisation is already archived');
      const now = unit.now;
      const saved = await unit.manager.save(OrganisationEntity, Object.assign(current, { archivedAt: now, updatedAt: now }));
      unit.record({
        organisationId: saved.id,
        entityType: 'organisation',
        entityId: saved.id,
        action: 'archive',
        before: { archivedAt: null },
        after: { archivedAt: now },
      });
      return saved;
    });
  }

  /** Contacts of many organisations in one statement (DataLoader). */
  contactsOf(ids: readonly string[]): Promise<ContactEntity[]> {
    return childRows(this.dataSource, 'contacts', ids);
  }

  /** Contacts that stay (same role and e-mail) keep their ids and notification preferences. */
  private async replaceContacts(manager: EntityManager, organisationId: string, contacts: ContactInput[], now: Date) {
    const rows = contacts.map((c) => ({
      organisationId,
      role: c.role,
      name: c.name.trim(),
      email: c.email.trim().toLowerCase(),
      timeZone: c.timeZone ?? 'America/New_York',
    }));
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
