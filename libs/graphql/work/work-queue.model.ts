import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { WorkItemKind } from '@libs/domain/vocabulary';
import { OrganisationStatusEnum, ReminderChannel } from '../enums';
import { ExtensionModel, MilestoneModel } from '../milestones/milestone.model';
import { ContactModel, OrganisationModel } from '../organisations/organisation.model';

registerEnumType(WorkItemKind, {
  name: 'WorkItemKind',
  description:
    'What needs a liaison. AWAITING_VERIFICATION: a milestone reported DONE and not verified · EXTENSION_REQUEST: an extension request not decided · ' +
    "STALE_REPORT: no report within the programme's staleReportDays (never reported: counted from onboarding) · " +
    'NO_REACHABLE_CONTACT: no contact with e-mail on or a webhook · FAILED_DELIVERY: a reminder that failed after every retry, and nothing delivered to its recipient since',
  valuesMap: {
    AWAITING_VERIFICATION: { description: 'A milestone reported DONE and not yet verified; act with verifyMilestone' },
    EXTENSION_REQUEST: { description: 'An extension request not yet decided; act with grantExtension or denyExtension' },
    STALE_REPORT: {
      description:
        "The organisation's last report is older than the programme's staleReportDays (or it never reported in that long since onboarding); act with sendContactLink",
    },
    NO_REACHABLE_CONTACT: {
      description:
        'No contact of the organisation has e-mail on or a webhook: reminders reach nobody; fix its contacts (updateOrganisation, updateNotificationPreference)',
    },
    FAILED_DELIVERY: {
      description:
        'A reminder failed after every retry and nothing reached its recipient since (no later message to that contact, nor to that address on that channel); act with sendContactLink',
    },
  },
});

@ObjectType('WorkDelivery', { description: 'A reminder that failed for good' })
export class WorkDeliveryModel {
  @Field(() => ID, { description: "Unique id (also the webhook-id and the e-mail's Message-ID)" }) id: string;
  @Field(() => ReminderChannel, { description: 'E-mail or webhook' }) channel: string;
  @Field({ description: 'E-mail address or webhook URL' }) recipient: string;
  @Field(() => String, { nullable: true, description: "The recipient's name, when a contact" }) recipientName: string | null;
  @Field({ description: "The stage's key (T-30, OVERDUE-2, MILESTONES:<8 hex>, DIGEST:T-7)" }) stage: string;
  @Field(() => Int, { description: 'Escalation level 1-4' }) level: number;
  @Field(() => Int, { description: 'Send attempts made' }) attempts: number;
  @Field(() => String, { nullable: true, description: "The last failure's class (never the remote text)" }) lastError: string | null;
  @Field(() => GraphQLISODateTime, { description: 'When it was due' }) dueAt: Date;
  @Field({ description: "The message's subject" }) subject: string;
}

@ObjectType('WorkItem', { description: 'One thing that needs a liaison, with what it is about and what to act on' })
export class WorkItemModel {
  @Field(() => WorkItemKind, { description: 'What needs doing' }) kind: WorkItemKind;
  @Field(() => GraphQLISODateTime, { description: 'When it began to need a liaison: the queue is oldest first by this' }) since: Date;
  @Field({ description: 'Opaque cursor of this item: pass it as `after` for the items after it' }) cursor: string;
  @Field(() => OrganisationModel, { description: 'The organisation it is about' }) organisation: OrganisationModel;
  @Field(() => OrganisationStatusEnum, { description: "The organisation's stored status" }) status: OrganisationStatusEnum;
  @Field(() => MilestoneModel, {
    nullable: true,
    description: 'AWAITING_VERIFICATION: the milestone to verify · EXTENSION_REQUEST: the milestone it would extend',
  })
  milestone: MilestoneModel | null;
  @Field(() => ExtensionModel, { nullable: true, description: 'EXTENSION_REQUEST: the request to decide' }) extension: ExtensionModel | null;
  @Field(() => ContactModel, {
    nullable: true,
    description: "Who a fresh link would go to (sendContactLink): a failed reminder's recipient, else the organisation's first reachable contact",
  })
  contact: ContactModel | null;
  @Field(() => WorkDeliveryModel, { nullable: true, description: 'FAILED_DELIVERY: the reminder that failed' }) delivery: WorkDeliveryModel | null;
}

@ObjectType('WorkKindCount', { description: 'Work items of one kind' })
export class WorkKindCountModel {
  @Field(() => WorkItemKind, { description: 'The kind' }) kind: WorkItemKind;
  @Field(() => Int, { description: 'How many' }) count: number;
}

@ObjectType('WorkQueue', { description: 'What needs a liaison in your scope, oldest first, a page at a time' })
export class WorkQueueModel {
  @Field(() => [WorkItemModel], { description: 'The items of this page, oldest first' }) items: WorkItemModel[];
  @Field(() => String, { nullable: true, description: "The last item's cursor, the `after` of the next page; null for an empty page" }) endCursor:
    string | null;
  @Field({ description: 'True when items follow this page' }) hasNextPage: boolean;
  @Field(() => Int, { description: 'Items in your scope (with the kinds asked for); counted only when asked for' }) totalCount: number;
  @Field(() => [WorkKindCountModel], { description: 'Items by kind (kinds with none left out); counted only when asked for' }) counts: WorkKindCountModel[];
}
