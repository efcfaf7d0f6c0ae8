import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { WorkItemKind } from '../../domain/vocabulary';
import { OrganisationStatusEnum } from '../enums';
import { ExtensionModel, MilestoneModel } from '../milestones/milestone.model';
import { ContactModel, OrganisationModel } from '../organisations/organisation.model';

registerEnumType(WorkItemKind, {
  name: 'WorkItemKind',
  description: 'What needs a liaison. AWAITING_VERIFICATION: a milestone reported DONE and not verified · EXTENSION_REQUEST: an extension request not decided · '
    + "STALE_REPORT: no report within the programme's staleReportDays (never reported: counted from onboarding) · "
    + 'NO_REACHABLE_CONTACT: no contact with e-mail on or a webhook · FAILED_DELIVERY: a reminder that failed after every retry, and nothing delivered to its recipient since',
  valuesMap: {
    AWAITING_VERIFICATION: { description: 'A milestone reported DONE and not yet verified; act with verifyMilestone' },
    EXTENSION_REQUEST: { description: 'An extension request not yet decided; act with grantExtension or denyExtension' },
    STALE_REPORT: { description: "The organisation's last report is older than the programme's staleReportDays (or it never reported in that long since onboarding); act with sendContactLink" },
    NO_REACHABLE_CONTACT: { description: 'No contact of the organisation has e-mail on or a webhook: reminders reach nobody; fix its contacts (updateOrganisation, updateNotificationPreference)' },
    FAILED_DELIVERY: { description: 'A reminder failed after every retry and nothing reached its recipient since (no later message to that contact, nor to that address on that channel); act with sendContactLink' },
  },
});

@ObjectType('WorkDelivery', { description: 'A reminder that failed for good' })
export class WorkDeliveryModel {
  @Field(() => ID) id: string;
  @Field() channel: string;
  @Field() recipient: string;
  @Field(() => String, { nullable: true }) recipientName: string | null;
  @Field() stage: string;
  @Field(() => Int) level: number;
  @Field(() => Int) attempts: number;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field(() => GraphQLISODateTime) dueAt: Date;
  @Field() subject: string;
}

@ObjectType('WorkItem')
export class WorkItemModel {
  @Field(() => WorkItemKind) kind: WorkItemKind;
  @Field(() => GraphQLISODateTime, { description: 'When it began to need a liaison: the queue is oldest first by this' }) since: Date;
  @Field() cursor: string;
  @Field(() => OrganisationModel) organisation: OrganisationModel;
  @Field(() => OrganisationStatusEnum, { description: "The organisation's stored status" }) status: OrganisationStatusEnum;
  @Field(() => MilestoneModel, { nullable: true, description: 'AWAITING_VERIFICATION: the milestone to verify · EXTENSION_REQUEST: the milestone it would extend' })
  milestone: MilestoneModel | null;
  @Field(() => ExtensionModel, { nullable: true, description: 'EXTENSION_REQUEST: the request to decide' }) extension: ExtensionModel | null;
  @Field(() => ContactModel, { nullable: true, description: "Who a fresh link would go to (sendContactLink): a failed reminder's recipient, else the organisation's first reachable contact" })
  contact: ContactModel | null;
  @Field(() => WorkDeliveryModel, { nullable: true, description: 'FAILED_DELIVERY: the reminder that failed' }) delivery: WorkDeliveryModel | null;
}

@ObjectType('WorkKindCount')
export class WorkKindCountModel {
  @Field(() => WorkItemKind) kind: WorkItemKind;
  @Field(() => Int) count: number;
}

@ObjectType('WorkQueue')
export class WorkQueueModel {
  @Field(() => [WorkItemModel]) items: WorkItemModel[];
  @Field(() => String, { nullable: true }) endCursor: string | null;
  @Field() hasNextPage: boolean;
  @Field(() => Int, { description: 'Items in your scope (with the kinds asked for); counted only when asked for' }) totalCount: number;
  @Field(() => [WorkKindCountModel], { description: 'Items by kind (kinds with none left out); counted only when asked for' }) counts: WorkKindCountModel[];
}
