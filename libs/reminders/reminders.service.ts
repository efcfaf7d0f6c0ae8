import { DeliveryState, ReminderChannel, ReminderStageKind, reminderStageKind } from '@libs/domain/vocabulary';
import { Inject, Injectable } from '@nestjs/common';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import { redactedWebhook, WebhookAddressPolicy } from './channels/webhook-address';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@libs/domain/actor';
import { organisationScopeSql } from '@libs/data/scope';
import { AuditService } from '@libs/audit/audit.service';
import { Clock } from '@libs/core/clock/clock';
import { AppError, FieldProblem } from '@libs/core/errors/app-error';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { ReferenceService } from '@libs/reference/reference.service';
import {
  EscalationContactInput,
  NotificationPreferenceInput,
  RotateEscalationWebhookSecretArgs,
  RotateWebhookSecretArgs,
  SnoozeRemindersInput,
} from './dto/reminders.input';
import { OrganisationChange } from '@libs/changes/organisation-change.service';
import { OrganisationRepository } from '@libs/data/organisation.repository';
import { PlannedDelivery, ReminderPlanner } from './reminder-planner.service';
import type { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { renderReminder } from '@libs/domain/reminders/templates';
import { PlanRepository } from '@libs/data/plan.repository';
import { WebhookOwner, WebhookSecretDates, WebhookSecretRepository } from '@libs/data/webhook-secrets.repository';
import { newWebhookSecret } from './channels/webhook-signing';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** What a reader sees of a webhook's secret: its dates. The secret itself only in the answer that issued it. */
const secretDates = (dates: WebhookSecretDates | undefined, webhookUrl: string | null) => ({
  webhookSecret: null,
  webhookSecretIssuedAt: webhookUrl ? (dates?.issuedAt ?? null) : null,
  webhookPreviousSecretValidUntil: webhookUrl ? (dates?.previousValidUntil ?? null) : null,
});

export interface DeliveryRow {
  id: string;
  organisationId: string | null;
  stage: string;
  stageKind: ReminderStageKind;
  level: number;
  recipient: string;
  recipientRole: string;
  channel: `${ReminderChannel}`;
  state: `${DeliveryState}`;
  dueAt: Date;
  sentAt: Date | null;
  attempts: number;
  lastError: string | null;
  cancelReason: string | null;
  subject: string;
}

const escalationContactOf = (r: Record<string, any>) => ({
  id: r.id,
  kind: r.kind,
  sector: r.sector_code,
  region: r.region,
  name: r.name,
  email: r.email,
  webhookUrl: r.webhook_url,
  timeZone: r.time_zone,
  agency: r.agency ?? null,
});

const toDelivery = (r: Record<string, any>): DeliveryRow => ({
  id: String(r.id),
  organisationId: r.organisation_id,
  stage: r.stage,
  stageKind: reminderStageKind(r.stage),
  level: r.level,
  recipient: r.recipient,
  recipientRole: r.recipient_role,
  channel: r.channel,
  state: r.state,
  dueAt: r.due_at,
  sentAt: r.sent_at,
  attempts: r.attempts,
  lastError: r.last_error,
  cancelReason: r.cancel_reason,
  subject: renderReminder(r.payload, r.time_zone).subject,
});

/** What people do with reminders: read them, acknowledge, snooze, set preferences, preview, and (admins) run the planner. */
@Injectable()
export class RemindersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly change: OrganisationChange,
    private readonly programmes: ProgrammesService,
    private readonly reference: ReferenceService,
    private readonly planner: ReminderPlanner,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.webhooks = new WebhookAddressPolicy(runtime.config.WEBHOOK_LOCAL_HOSTS);
  }

  private readonly webhooks: WebhookAddressPolicy;

  /** A webhook URL may be saved only where the worker may send (libs/reminders/channels/webhook-address.ts). */
  private checkWebhook(url: string | null | undefined) {
    const problem = url ? this.webhooks.problemWith(url) : null;
    if (problem) throw AppError.badInput('webhookUrl', problem);
  }

  private inScope(actor: Actor, organisationId: string) {
    return OrganisationRepository.getInScope(this.dataSource.manager, actor, organisationId);
  }

  /** The latest deliveries of many organisations (DataLoader): one statement. */
  async latestFor(organisationIds: readonly string[], perOrganisation: number): Promise<DeliveryRow[]> {
    const rows = await this.dataSource.query(
      `SELECT d.* FROM unnest($1::uuid[]) AS o(id)
       CROSS JOIN LATERAL (SELECT * FROM reminder_delivery WHERE organisation_id = o.id ORDER BY id DESC LIMIT $2) d`,
      [organisationIds, perOrganisation],
    );
    return rows.map(toDelivery);
  }

  async stateOf(actor: Actor, organisationId: string, programme: ProgrammeEntity) {
    await this.inScope(actor, organisationId);
    const [control] = await this.dataSource.query(`SELECT * FROM reminder_control WHERE organisation_id = $1 AND programme_id = $2`, [
      organisationId,
      programme.id,
    ]);
    return {
      acknowledgedLevel: control?.acknowledged_level ?? null,
      acknowledgedAt: control?.acknowledged_at ?? null,
      acknowledgedBy: control?.acknowledged_by ?? null,
      pausedUntil: control?.paused_until ?? null,
      snoozedUntil: control?.snoozed_until ?? null,
      currentLevel: await this.planner.levelOf(programme, organisationId),
    };
  }

  /**
   * Holds escalation for the programme's pause at the level the rule gives without any hold, once per
   * reminder stage: acknowledging again and again never keeps an organisation below where it stands,
   * and past the cutoff the rule never holds it below the sector liaison (libs/domain/reminders/escalation.ts).
   */
  async acknowledge(actor: Actor, organisationId: string, programme: ProgrammeEntity) {
    await this.inScope(actor, organisationId);
    const now = this.clock.now();
    const escalation = await this.planner.escalationAt(programme, organisationId, now);
    const stage = escalation.stage ?? 'BEFORE-FIRST-STAGE';
    const level = escalation.unheldLevel;
    const pausedUntil = new Date(now.getTime() + programme.reminderLadder.acknowledgePauseDays * DAY);
    await this.change.run(actor, { organisationId }, async (unit) => {
      const [control] = await unit.manager.query(
        `SELECT acknowledged_stage FROM reminder_control WHERE organisation_id = $1 AND programme_id = $2 FOR UPDATE`,
        [organisationId, programme.id],
      );
      if (control?.acknowledged_stage === stage) {
        throw AppError.badInput('organisationId', `already acknowledged in reminder stage ${stage}: an acknowledgement holds escalation once per stage`);
      }
      await unit.manager.query(
        `INSERT INTO reminder_control (organisation_id, programme_id, acknowledged_level, acknowledged_at, acknowledged_by, paused_until, acknowledged_stage)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (organisation_id, programme_id) DO UPDATE SET acknowledged_level = $3, acknowledged_at = $4, acknowledged_by = $5, paused_until = $6,
           acknowledged_stage = $7, version = reminder_control.version + 1`,
        [organisationId, programme.id, level, now, actor.id, pausedUntil, stage],
      );
      unit.record({ organisationId, entityType: 'reminders', entityId: organisationId, action: 'acknowledge', after: { level, pausedUntil, stage } });
    });
    return this.stateOf(actor, organisationId, programme);
  }

  async snooze(actor: Actor, input: SnoozeRemindersInput, programme: ProgrammeEntity) {
    await this.inScope(actor, input.organisationId);
    const now = this.clock.now();
    const cutoff = new Date(programme.updatesCutoff);
    const max = programme.reminderLadder.snoozeMaxDays;
    if (now.getTime() >= cutoff.getTime()) throw AppError.badInput('until', 'the cutoff has passed: overdue reminders cannot be snoozed');
    if (input.until.getTime() <= now.getTime()) throw AppError.badInput('until', 'must be in the future');
    if (input.until.getTime() > now.getTime() + max * DAY) throw AppError.badInput('until', `may be at most ${max} days ahead`);
    if (input.until.getTime() > cutoff.getTime()) throw AppError.badInput('until', `must not pass the cutoff ${cutoff.toISOString()}`);
    const lastWeek = programme.reminderLadder.noSnoozeWithinDays ?? 7;
    if (input.until.getTime() > cutoff.getTime() - lastWeek * DAY)
      throw AppError.badInput(
        'until',
        `no snooze reaches into the last ${lastWeek} days before the cutoff (${new Date(cutoff.getTime() - lastWeek * DAY).toISOString()} at the latest)`,
      );
    const totalMax = programme.reminderLadder.snoozeTotalMaxDays ?? max;
    await this.change.run(actor, { organisationId: input.organisationId }, async (unit) => {
      const [control] = await unit.manager.query(
        `SELECT snoozed_until, snoozed_days_total FROM reminder_control WHERE organisation_id = $1 AND programme_id = $2 FOR UPDATE`,
        [input.organisationId, programme.id],
      );
      // only the days a snooze adds count: re-snoozing within a snooze counts what it extends
      const from = Math.max(now.getTime(), control?.snoozed_until ? new Date(control.snoozed_until).getTime() : 0);
      const added = Math.max(0, (input.until.getTime() - from) / DAY);
      const used = Number(control?.snoozed_days_total ?? 0);
      if (used + added > totalMax + 1e-9) {
        throw AppError.badInput('until', `snoozes may add up to ${totalMax} days in this programme; ${Math.max(0, totalMax - used).toFixed(1)} remain`);
      }
      await unit.manager.query(
        `INSERT INTO reminder_control (organisation_id, programme_id, snoozed_until, snoozed_by, snoozed_days_total) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (organisation_id, programme_id) DO UPDATE SET snoozed_until = $3, snoozed_by = $4, snoozed_days_total = reminder_control.snoozed_days_total + $5,
           version = reminder_control.version + 1`,
        [input.organisationId, programme.id, input.until, actor.id, added],
      );
      unit.record({
        organisationId: input.organisationId,
        entityType: 'reminders',
        entityId: input.organisationId,
        action: 'snooze',
        after: { until: input.until },
      });
      unit.replan();
    });
    return this.stateOf(actor, input.organisationId, programme);
  }

  /**
   * A new webhook URL gets a new signing secret at once, with no overlap: whoever held the old one
   * (the old receiver) must not be able to sign for the new. Any change of URL counts, path included:
   * one host often serves many receivers (hook relays give each tenant a path). The secret is in this
   * answer only; the history records that one was issued, never the secret.
   */
  async updatePreference(actor: Actor, input: NotificationPreferenceInput) {
    const [contact] = /^[0-9a-f-]{36}$/i.test(input.contactId)
      ? await this.dataSource.query(`SELECT organisation_id FROM contact WHERE id = $1`, [input.contactId])
      : [];
    if (!contact) throw AppError.notFound('Contact', input.contactId);
    await this.inScope(actor, contact.organisation_id).catch(AppError.asNotFound('Contact', input.contactId));
    const [current] = await this.dataSource.query(`SELECT * FROM notification_preference WHERE contact_id = $1`, [input.contactId]);
    const next = {
      emailEnabled: input.emailEnabled ?? current?.email_enabled ?? true,
      webhookUrl: input.webhookUrl === '' ? null : (input.webhookUrl ?? current?.webhook_url ?? null),
      businessHoursStart: input.businessHoursStart ?? current?.business_hours_start ?? 9,
      businessHoursEnd: input.businessHoursEnd ?? current?.business_hours_end ?? 17,
      weekdaysOnly: input.weekdaysOnly ?? current?.weekdays_only ?? true,
    };
    if (input.webhookUrl) this.checkWebhook(input.webhookUrl);
    if (next.businessHoursEnd <= next.businessHoursStart) throw AppError.badInput('businessHoursEnd', 'must be after businessHoursStart');
    const newUrl = next.webhookUrl !== (current?.webhook_url ?? null);
    const secret = newUrl && next.webhookUrl ? newWebhookSecret() : null;
    const owner: WebhookOwner = { contactId: input.contactId };
    const now = this.clock.now();
    await this.change.run(actor, { organisationId: contact.organisation_id }, async (unit) => {
      await unit.manager.query(
        `INSERT INTO notification_preference (contact_id, email_enabled, webhook_url, business_hours_start, business_hours_end, weekdays_only, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (contact_id) DO UPDATE SET email_enabled = $2, webhook_url = $3, business_hours_start = $4, business_hours_end = $5, weekdays_only = $6, updated_at = $7`,
        [input.contactId, next.emailEnabled, next.webhookUrl, next.businessHoursStart, next.businessHoursEnd, next.weekdaysOnly, now],
      );
      if (secret) await WebhookSecretRepository.issue(unit.manager, owner, secret, now);
      else if (newUrl) await WebhookSecretRepository.drop(unit.manager, owner);
      unit.record({
        organisationId: contact.organisation_id,
        entityType: 'notification_preference',
        entityId: input.contactId,
        action: 'update',
        before: current ? { ...current, webhook_url: redactedWebhook(current.webhook_url) } : null,
        after: { ...next, webhookUrl: redactedWebhook(next.webhookUrl), ...(secret ? { webhookSecretIssuedAt: now } : {}) },
      });
      unit.replan();
    });
    const dates = secret ? undefined : (await WebhookSecretRepository.datesOfContacts(this.dataSource.manager, [input.contactId])).get(input.contactId);
    return {
      contactId: input.contactId,
      ...next,
      ...secretDates(secret ? { issuedAt: now, previousValidUntil: null } : dates, next.webhookUrl),
      webhookSecret: secret,
    };
  }

  async preferencesOf(contactIds: readonly string[]) {
    const rows = await this.dataSource.query(`SELECT * FROM notification_preference WHERE contact_id = ANY($1::uuid[])`, [contactIds]);
    const dates = rows.some((r: any) => r.webhook_url)
      ? await WebhookSecretRepository.datesOfContacts(this.dataSource.manager, contactIds)
      : new Map<string, WebhookSecretDates>();
    return rows.map((r: any) => ({
      contactId: r.contact_id,
      emailEnabled: r.email_enabled,
      webhookUrl: r.webhook_url,
      businessHoursStart: r.business_hours_start,
      businessHoursEnd: r.business_hours_end,
      weekdaysOnly: r.weekdays_only,
      ...secretDates(dates.get(r.contact_id), r.webhook_url),
    }));
  }

  /**
   * A new secret for a contact's webhook, shown in this answer only; the current one keeps signing
   * beside it for `overlapHours` (the receiver switches in between). Who may set the URL may rotate.
   */
  async rotateWebhookSecret(actor: Actor, args: RotateWebhookSecretArgs) {
    const [contact] = await this.dataSource.query(`SELECT organisation_id FROM contact WHERE id = $1`, [args.contactId]);
    if (!contact) throw AppError.notFound('Contact', args.contactId);
    await this.inScope(actor, contact.organisation_id).catch(AppError.asNotFound('Contact', args.contactId));
    return this.change.run(actor, { organisationId: contact.organisation_id }, async (unit) => {
      const [preference] = await unit.manager.query(`SELECT webhook_url FROM notification_preference WHERE contact_id = $1 FOR UPDATE`, [args.contactId]);
      if (!preference?.webhook_url) throw AppError.badInput('contactId', 'this contact has no webhook: set its webhookUrl, which issues a secret');
      const rotated = await this.rotate(unit.manager, { contactId: args.contactId }, args.overlapHours, unit.now);
      unit.record({
        organisationId: contact.organisation_id,
        entityType: 'notification_preference',
        entityId: args.contactId,
        action: 'rotate_webhook_secret',
        after: { webhookSecretIssuedAt: rotated.issuedAt, previousSecretValidUntil: rotated.previousSecretValidUntil },
      });
      return rotated;
    });
  }

  /** The same for an escalation contact's webhook (admins). */
  async rotateEscalationWebhookSecret(actor: Actor, args: RotateEscalationWebhookSecretArgs) {
    return this.dataSource.transaction(async (manager) => {
      const [contact] = await manager.query(`SELECT webhook_url FROM escalation_contact WHERE id = $1 FOR UPDATE`, [args.escalationContactId]);
      if (!contact) throw AppError.notFound('EscalationContact', args.escalationContactId);
      if (!contact.webhook_url) throw AppError.badInput('escalationContactId', 'this escalation contact has no webhook');
      const rotated = await this.rotate(manager, { escalationContactId: args.escalationContactId }, args.overlapHours, this.clock.now());
      await this.audit.record(manager, actor, [
        {
          organisationId: null,
          entityType: 'escalation_contact',
          entityId: args.escalationContactId,
          action: 'rotate_webhook_secret',
          after: { webhookSecretIssuedAt: rotated.issuedAt, previousSecretValidUntil: rotated.previousSecretValidUntil },
        },
      ]);
      return rotated;
    });
  }

  private async rotate(manager: EntityManager, owner: WebhookOwner, overlapHours: number, now: Date) {
    const webhookSecret = newWebhookSecret();
    const dates = await WebhookSecretRepository.rotate(manager, owner, webhookSecret, now, new Date(now.getTime() + overlapHours * HOUR));
    return { webhookSecret, issuedAt: dates.issuedAt ?? now, previousSecretValidUntil: dates.previousValidUntil };
  }

  /** What the planner would send at an instant, in the caller's scope; writes nothing. */
  /**
   * What the planner would send at an instant, for one organisation or a page of `first` organisations
   * in scope (id order, after `after`): a dry run costs what the planner does per organisation, so no
   * caller plans the whole country in one request. Digests in a page's answer cover that page's organisations.
   */
  async preview(actor: Actor, at: Date, programme: ProgrammeEntity, page: { organisationId?: string; first: number; after?: string }) {
    if (page.organisationId) await this.inScope(actor, page.organisationId);
    const organisationIds = page.organisationId
      ? [page.organisationId]
      : await OrganisationRepository.pageInScope(this.dataSource.manager, actor, programme.id, page.after, page.first);
    if (organisationIds.length === 0) return [];
    const result = await this.planner.run(programme, {
      at,
      dryRun: true,
      organisationIds,
      scopeSql: (alias, params) => organisationScopeSql(actor, alias, params),
    });
    return result.deliveries
      .filter((d) => actor.role === 'admin' || d.organisationId !== null)
      .map((d: PlannedDelivery) => ({
        organisationId: d.organisationId,
        stage: d.stage,
        level: d.level,
        recipient: d.recipient,
        recipientRole: d.recipientRole,
        channel: d.channel,
        dueAt: d.dueAt,
        subject: renderReminder(d.payload, d.timeZone).subject,
        payload: d.payload,
      }));
  }

  async runPlanner() {
    const totals = { organisations: 0, planned: 0, inserted: 0, cancelledComplete: 0 };
    for (const programme of await this.programmes.list()) {
      const r = await this.planner.run(programme);
      totals.organisations += r.organisations;
      totals.planned += r.planned;
      totals.inserted += r.inserted;
      totals.cancelledComplete += r.cancelledComplete;
    }
    return totals;
  }

  async escalationContacts() {
    const rows = await this.dataSource.query(`SELECT * FROM escalation_contact ORDER BY kind, sector_code, region, name`);
    const dates = await WebhookSecretRepository.datesOfEscalationContacts(this.dataSource.manager);
    return rows.map((r: any) => ({ ...escalationContactOf(r), ...secretDates(dates.get(r.id), r.webhook_url) }));
  }

  /** A contact with a webhook gets its signing secret here, in this answer only. */
  async addEscalationContact(actor: Actor, input: EscalationContactInput) {
    const problems: FieldProblem[] = [];
    if (input.kind === 'CISA_REGION' && !input.region) problems.push({ field: 'region', message: 'a CISA regional lead needs its region' });
    if (input.kind !== 'CISA_REGION' && !input.sector) problems.push({ field: 'sector', message: `a ${input.kind} needs its sector` });
    if (input.kind === 'CISA_REGION' && input.sector) problems.push({ field: 'sector', message: 'a CISA regional lead has a region, not a sector' });
    if (input.kind !== 'CISA_REGION' && input.region) problems.push({ field: 'region', message: `a ${input.kind} has a sector, not a region` });
    if (input.agency !== undefined && input.agency !== null && (input.kind !== 'SRMA' || !input.agency.trim()))
      problems.push({ field: 'agency', message: 'only an SRMA contact names the agency it speaks for' });
    if (input.sector && !(await this.reference.sector(input.sector))) problems.push({ field: 'sector', message: `unknown sector ${input.sector}` });
    if (!input.email && !input.webhookUrl) problems.push({ field: 'email', message: 'give an e-mail address or a webhook URL' });
    const webhookProblem = input.webhookUrl ? this.webhooks.problemWith(input.webhookUrl) : null;
    if (webhookProblem) problems.push({ field: 'webhookUrl', message: webhookProblem });
    if (problems.length) throw AppError.badInputs(problems);
    const now = this.clock.now();
    const secret = input.webhookUrl ? newWebhookSecret() : null;
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO escalation_contact (kind, sector_code, region, name, email, webhook_url, time_zone, created_at, agency) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          input.kind,
          input.sector ?? null,
          input.region ?? null,
          input.name,
          input.email ?? null,
          input.webhookUrl ?? null,
          input.timeZone ?? 'America/New_York',
          now,
          input.agency?.trim() ?? null,
        ],
      );
      if (secret) await WebhookSecretRepository.issue(manager, { escalationContactId: row.id }, secret, now);
      // a new contact hears this stage's digest at the next pass, which must look at everyone again
      await PlanRepository.planAllAgain(manager, null);
      await this.audit.record(manager, actor, [
        {
          organisationId: null,
          entityType: 'escalation_contact',
          entityId: row.id,
          action: 'create',
          after: { ...row, webhook_url: redactedWebhook(row.webhook_url), ...(secret ? { webhookSecretIssuedAt: now } : {}) },
        },
      ]);
      return {
        ...escalationContactOf(row),
        ...secretDates(secret ? { issuedAt: now, previousValidUntil: null } : undefined, row.webhook_url),
        webhookSecret: secret,
      };
    });
  }

  async removeEscalationContact(actor: Actor, id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [rows] = /^[0-9a-f-]{36}$/i.test(id) ? await manager.query(`DELETE FROM escalation_contact WHERE id = $1 RETURNING *`, [id]) : [[]];
      if (!rows.length) throw AppError.notFound('EscalationContact', id);
      await this.audit.record(manager, actor, [
        {
          organisationId: null,
          entityType: 'escalation_contact',
          entityId: id,
          action: 'delete',
          before: { ...rows[0], webhook_url: redactedWebhook(rows[0].webhook_url) },
        },
      ]);
      return true;
    });
  }
}
