import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { AuditEventEntity } from '@libs/data/entities/audit-event.entity';
import { AuditService } from '@libs/audit/audit.service';
import { FootprintEntity } from '@libs/data/entities/footprint.entity';
import { FootprintService } from '@libs/footprint/footprint.service';
import { ExtensionEntity } from '@libs/data/entities/extension.entity';
import { MilestoneEntity } from '@libs/data/entities/milestone.entity';
import { MilestonesService } from '@libs/milestones/milestones.service';
import { ContactEntity } from '@libs/data/entities/contact.entity';
import { OrganisationsService } from '@libs/organisations/organisations.service';
import { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { DeliveryRow, RemindersService } from '@libs/reminders/reminders.service';

/** Per-request batching: each nested level of a list is one statement, whatever the page size. */
export interface Loaders {
  programme: DataLoader<string, ProgrammeEntity>;
  contacts: DataLoader<string, ContactEntity[]>;
  /** Keyed "programmeId|organisationId". */
  footprint: DataLoader<string, FootprintEntity[]>;
  milestones: DataLoader<string, MilestoneEntity[]>;
  extensions: DataLoader<string, ExtensionEntity[]>;
  /** Keyed "limit|organisationId". */
  history: DataLoader<string, AuditEventEntity[]>;
  /** Keyed "limit|organisationId". */
  reminders: DataLoader<string, DeliveryRow[]>;
  /** Keyed by contact id. */
  preferences: DataLoader<string, NotificationPreference | null>;
}

interface NotificationPreference {
  contactId: string;
  emailEnabled: boolean;
  webhookUrl: string | null;
  businessHoursStart: number;
  businessHoursEnd: number;
  weekdaysOnly: boolean;
}

function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** A loader whose keys are "prefix|organisationId": one fetch per distinct prefix, results in key order. */
function prefixedLoader<T>(fetch: (prefix: string, ids: string[]) => Promise<T[]>, keyOf: (row: T) => string) {
  return new DataLoader<string, T[]>(async (keys) => {
    const byPrefix = groupBy([...keys], (k) => k.split('|')[0]);
    const results = new Map<string, T[]>();
    await Promise.all(
      [...byPrefix.entries()].map(async ([prefix, prefixed]) => {
        const ids = prefixed.map((k) => k.split('|')[1]);
        const rows = groupBy(await fetch(prefix, ids), keyOf);
        for (const id of ids) results.set(`${prefix}|${id}`, rows.get(id) ?? []);
      }),
    );
    return keys.map((k) => results.get(k) ?? []);
  });
}

@Injectable()
export class LoaderFactory {
  constructor(
    private readonly programmes: ProgrammesService,
    private readonly organisations: OrganisationsService,
    private readonly footprint: FootprintService,
    private readonly milestones: MilestonesService,
    private readonly audit: AuditService,
    private readonly reminders: RemindersService,
  ) {}

  create(): Loaders {
    return {
      programme: new DataLoader(async (ids) => Promise.all(ids.map((id) => this.programmes.resolve(id === 'default' ? null : id)))),
      contacts: new DataLoader(async (ids) => {
        const rows = groupBy(await this.organisations.contactsOf(ids), (c) => c.organisationId);
        return ids.map((id) => rows.get(id) ?? []);
      }),
      footprint: prefixedLoader(
        (programmeId, ids) => this.footprint.of(programmeId, ids),
        (f) => f.organisationId,
      ),
      milestones: prefixedLoader(
        (programmeId, ids) => this.milestones.of(programmeId, ids),
        (m) => m.organisationId,
      ),
      extensions: new DataLoader(async (ids) => {
        const rows = groupBy(await this.milestones.extensionsOf(ids), (e) => e.organisationId);
        return ids.map((id) => rows.get(id) ?? []);
      }),
      history: prefixedLoader(
        (limit, ids) => this.audit.latestFor(ids, Number(limit)),
        (e) => e.organisationId!,
      ),
      reminders: prefixedLoader(
        (limit, ids) => this.reminders.latestFor(ids, Number(limit)),
        (d) => d.organisationId!,
      ),
      preferences: new DataLoader(async (ids) => {
        const rows: NotificationPreference[] = await this.reminders.preferencesOf(ids);
        const byId = new Map(rows.map((r) => [r.contactId, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
    };
  }
}
