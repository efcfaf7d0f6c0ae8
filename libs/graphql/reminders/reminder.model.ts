import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../json.scalar';
import { DeliveryState, EscalationContactKind, ReminderChannel, ReminderStageKind } from '../enums';

const STAGE_KEY = 'The stage\'s key, part of the delivery\'s identity: T-30, OVERDUE-2, MILESTONES:<8 hex>, DIGEST:T-7 (not a closed set: the ladder is the programme\'s data; stageKind is)';

@ObjectType('ReminderDelivery', { description: 'One message to one recipient on one channel' })
export class ReminderDeliveryModel {
  @Field(() => ID) id: string;
  @Field(() => ID, { nullable: true }) organisationId: string | null;
  @Field({ description: STAGE_KEY }) stage: string;
  @Field(() => ReminderStageKind) stageKind: ReminderStageKind;
  @Field(() => Int) level: number;
  @Field() recipient: string;
  @Field() recipientRole: string;
  @Field(() => ReminderChannel) channel: `${ReminderChannel}`;
  @Field(() => DeliveryState) state: `${DeliveryState}`;
  @Field(() => GraphQLISODateTime, { description: 'Not before: quiet hours in the recipient\'s time zone' }) dueAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) sentAt: Date | null;
  @Field(() => Int) attempts: number;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field(() => String, { nullable: true }) cancelReason: string | null;
  @Field() subject: string;
}

@ObjectType('ReminderState', { description: 'Acknowledgement and snooze of an organisation\'s reminders' })
export class ReminderStateModel {
  @Field(() => Int, { nullable: true }) acknowledgedLevel: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) acknowledgedAt: Date | null;
  @Field(() => String, { nullable: true }) acknowledgedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Escalation is held at the acknowledged level until then' }) pausedUntil: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) snoozedUntil: Date | null;
  @Field(() => Int, { description: 'Level the rule gives now' }) currentLevel: number;
}

@ObjectType('PlannedReminder')
export class PlannedReminderModel {
  @Field(() => ID, { nullable: true }) organisationId: string | null;
  @Field({ description: STAGE_KEY }) stage: string;
  @Field(() => ReminderStageKind) stageKind: ReminderStageKind;
  @Field(() => Int) level: number;
  @Field() recipient: string;
  @Field() recipientRole: string;
  @Field(() => ReminderChannel) channel: `${ReminderChannel}`;
  @Field(() => GraphQLISODateTime) dueAt: Date;
  @Field() subject: string;
  @Field(() => JSONScalar) payload: unknown;
}

@ObjectType('PlannerRun')
export class PlannerRunModel {
  @Field(() => Int) organisations: number;
  @Field(() => Int) planned: number;
  @Field(() => Int, { description: 'New rows in the outbox; a re-run at the same instant adds none' }) inserted: number;
  @Field(() => Int) cancelledComplete: number;
}

/** A webhook and its signing secret's dates, as a contact's preference and an escalation contact both show them. */
@ObjectType({ isAbstract: true })
abstract class WebhookOwnerModel {
  @Field(() => String, { nullable: true }) webhookUrl: string | null;
  @Field(() => String, { nullable: true, description: 'The webhook\'s signing secret (Standard Webhooks, whsec_…), only in the answer of the mutation that issued it (a new webhook URL); null on every other read' })
  webhookSecret: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the webhook\'s current secret was issued; null for a webhook saved before per-webhook secrets, whose secret nobody has seen: rotate it' })
  webhookSecretIssuedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Until when the secret before the last rotation still signs beside the current one' })
  webhookPreviousSecretValidUntil: Date | null;
}

@ObjectType('NotificationPreference')
export class NotificationPreferenceModel extends WebhookOwnerModel {
  @Field(() => ID) contactId: string;
  @Field() emailEnabled: boolean;
  @Field(() => Int) businessHoursStart: number;
  @Field(() => Int) businessHoursEnd: number;
  @Field() weekdaysOnly: boolean;
}

@ObjectType('EscalationContact')
export class EscalationContactModel extends WebhookOwnerModel {
  @Field(() => ID) id: string;
  @Field(() => EscalationContactKind) kind: string;
  @Field(() => String, { nullable: true }) sector: string | null;
  @Field(() => Int, { nullable: true }) region: number | null;
  @Field() name: string;
  @Field(() => String, { nullable: true }) email: string | null;
  @Field() timeZone: string;
}

@ObjectType('WebhookSecret', { description: 'A webhook\'s new signing secret, shown in this answer only' })
export class WebhookSecretModel {
  @Field({ description: 'Standard Webhooks secret (whsec_ and base64): give it to the receiver, which verifies webhook-signature with it' }) webhookSecret: string;
  @Field(() => GraphQLISODateTime) issuedAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The previous secret signs beside this one until then; null: it stopped at once' })
  previousSecretValidUntil: Date | null;
}
