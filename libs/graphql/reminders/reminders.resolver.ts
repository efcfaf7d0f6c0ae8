import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '@libs/access/access.decorators';
import type { Actor } from '@libs/domain/actor';
import { CurrentActor, RequestLoaders } from '../context';
import type { Loaders } from '../loaders';
import { ContactModel, OrganisationModel } from '../organisations/organisation.model';
import {
  EscalationContactInput,
  NotificationPreferenceInput,
  PreviewRemindersArgs,
  RotateEscalationWebhookSecretArgs,
  RotateWebhookSecretArgs,
  SnoozeRemindersInput,
} from '@libs/reminders/dto/reminders.input';
import {
  EscalationContactModel,
  NotificationPreferenceModel,
  PlannedReminderModel,
  PlannerRunModel,
  ReminderDeliveryModel,
  ReminderStateModel,
  WebhookSecretModel,
} from './reminder.model';
import { RemindersService } from '@libs/reminders/reminders.service';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { reminderStageKind } from '@libs/domain/vocabulary';

const PROGRAMME_ARG = { type: () => ID, nullable: true, description: 'The programme; the default programme when omitted' } as const;

@Resolver()
export class RemindersResolver {
  constructor(
    private readonly service: RemindersService,
    private readonly programmes: ProgrammesService,
  ) {}

  /** The programme a call means: the one it names, else the default, chosen here at the edge. */
  private async programme(id?: string | null) {
    return this.programmes.resolve(id);
  }

  @Allow('admin', 'liaison', 'reporter')
  @Query(() => ReminderStateModel, { description: 'Acknowledgement, snooze and the level the escalation rule gives now' })
  async reminderState(
    @CurrentActor() actor: Actor,
    @Args('organisationId', { type: () => ID }) organisationId: string,
    @Args('programmeId', PROGRAMME_ARG) programmeId?: string,
  ) {
    return this.service.stateOf(actor, organisationId, await this.programme(programmeId));
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => ReminderStateModel, { description: "Holds escalation at the current level for the programme's pause; it climbs again without progress" })
  async acknowledgeReminders(
    @CurrentActor() actor: Actor,
    @Args('organisationId', { type: () => ID }) organisationId: string,
    @Args('programmeId', PROGRAMME_ARG) programmeId?: string,
  ) {
    return this.service.acknowledge(actor, organisationId, await this.programme(programmeId));
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => ReminderStateModel, { description: "Silence an organisation's reminders for a while (the programme's limits apply)" })
  async snoozeReminders(@CurrentActor() actor: Actor, @Args('input') input: SnoozeRemindersInput) {
    return this.service.snooze(actor, input, await this.programme(input.programmeId));
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => NotificationPreferenceModel, { description: 'Change how and when a contact hears its reminders' })
  updateNotificationPreference(@CurrentActor() actor: Actor, @Args('input') input: NotificationPreferenceInput) {
    return this.service.updatePreference(actor, input);
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => WebhookSecretModel, {
    description: "A new signing secret for a contact's webhook, shown once; the current one keeps signing beside it for overlapHours",
  })
  rotateWebhookSecret(@CurrentActor() actor: Actor, @Args() args: RotateWebhookSecretArgs) {
    return this.service.rotateWebhookSecret(actor, args);
  }

  @Allow('admin', 'liaison')
  @Query(() => [PlannedReminderModel], {
    description:
      "What the planner would send at an instant, in your scope, for one organisation or a page of organisations (digests list the page's organisations only); writes nothing",
  })
  async previewReminders(@CurrentActor() actor: Actor, @Args() args: PreviewRemindersArgs) {
    const planned = await this.service.preview(actor, args.at, await this.programme(args.programmeId), {
      organisationId: args.organisationId,
      first: args.first,
      after: args.after,
    });
    return planned.map((d) => ({ ...d, stageKind: reminderStageKind(d.stage) }));
  }

  @Allow('admin')
  @Mutation(() => PlannerRunModel, { description: 'Run the reminder planner now (it also runs every 15 minutes on the worker)' })
  runReminderPlanner() {
    return this.service.runPlanner();
  }

  @Allow('admin')
  @Query(() => [EscalationContactModel], { description: 'The sector liaisons, SRMA contacts and CISA regional leads who get digests' })
  escalationContacts() {
    return this.service.escalationContacts();
  }

  @Allow('admin')
  @Mutation(() => EscalationContactModel, { description: 'A sector liaison (level 3), an SRMA contact or a CISA regional lead (level 4)' })
  addEscalationContact(@CurrentActor() actor: Actor, @Args('input') input: EscalationContactInput) {
    return this.service.addEscalationContact(actor, input);
  }

  @Allow('admin')
  @Mutation(() => WebhookSecretModel, {
    description: "A new signing secret for an escalation contact's webhook, shown once; the current one keeps signing beside it for overlapHours",
  })
  rotateEscalationWebhookSecret(@CurrentActor() actor: Actor, @Args() args: RotateEscalationWebhookSecretArgs) {
    return this.service.rotateEscalationWebhookSecret(actor, args);
  }

  @Allow('admin')
  @Mutation(() => Boolean, { description: 'Remove an escalation contact; true when one was removed' })
  removeEscalationContact(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return this.service.removeEscalationContact(actor, id);
  }
}

@Resolver(() => OrganisationModel)
export class OrganisationRemindersResolver {
  @ResolveField(() => [ReminderDeliveryModel], { description: 'Reminders for this organisation, newest first' })
  async reminders(
    @Parent() o: OrganisationModel,
    @RequestLoaders() loaders: Loaders,
    @Args('first', { type: () => Int, nullable: true, description: 'Default 50, at most 500' }) first?: number,
  ) {
    return loaders.reminders.load(`${Math.min(Math.max(first ?? 50, 1), 500)}|${o.id}`);
  }
}

@Resolver(() => ContactModel)
export class ContactPreferenceResolver {
  @ResolveField(() => NotificationPreferenceModel, { description: 'How and when this contact hears its reminders' })
  async notificationPreference(@Parent() c: ContactModel, @RequestLoaders() loaders: Loaders) {
    return (
      (await loaders.preferences.load(c.id)) ?? {
        contactId: c.id,
        emailEnabled: true,
        webhookUrl: null,
        businessHoursStart: 9,
        businessHoursEnd: 17,
        weekdaysOnly: true,
        webhookSecret: null,
        webhookSecretIssuedAt: null,
        webhookPreviousSecretValidUntil: null,
      }
    );
  }
}
