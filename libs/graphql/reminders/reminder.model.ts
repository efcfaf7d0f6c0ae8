import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../json.scalar';
import { DeliveryState, EscalationContactKind, ReminderChannel, ReminderStageKind } from '../enums';

const STAGE_KEY =
  "The stage's key, part of the delivery's identity: T-30, OVERDUE-2, MILESTONES:<8 hex>, DIGEST:T-7 (not a closed set: the ladder is the programme's data; stageKind is)";

@ObjectType('ReminderDelivery', { description: 'One message to one recipient on one channel' })
export class ReminderDeliveryModel {
  @Field(() => ID, { description: "Unique id (also the webhook-id and the e-mail's Message-ID)" }) id: string;
  @Field(() => ID, { nullable: true, description: 'The organisation; null for a digest' }) organisationId: string | null;
  @Field({ description: STAGE_KEY }) stage: string;
  @Field(() => ReminderStageKind, { description: 'What kind of stage it belongs to' }) stageKind: ReminderStageKind;
  @Field(() => Int, { description: 'Escalation level 1-4' }) level: number;
  @Field({ description: 'E-mail address or webhook URL' }) recipient: string;
  @Field({ description: "The recipient's contact role or escalation kind" }) recipientRole: string;
  @Field(() => ReminderChannel, { description: 'E-mail or webhook' }) channel: `${ReminderChannel}`;
  @Field(() => DeliveryState, { description: 'Where it is in the outbox' }) state: `${DeliveryState}`;
  @Field(() => GraphQLISODateTime, { description: "Not before: quiet hours in the recipient's time zone" }) dueAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When its send was recorded' }) sentAt: Date | null;
  @Field(() => Int, { description: 'Send attempts so far' }) attempts: number;
  @Field(() => String, { nullable: true, description: "The last failure's class (never the remote text)" }) lastError: string | null;
  @Field(() => String, { nullable: true, description: 'Why it was cancelled (the facts changed, the organisation completed)' }) cancelReason: string | null;
  @Field({ description: "The message's subject" }) subject: string;
}

@ObjectType('ReminderState', { description: "Acknowledgement and snooze of an organisation's reminders" })
export class ReminderStateModel {
  @Field(() => Int, { nullable: true, description: 'The level acknowledged' }) acknowledgedLevel: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When reminders were last acknowledged' }) acknowledgedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Who acknowledged them' }) acknowledgedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Escalation is held at the acknowledged level until then' }) pausedUntil: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Reminders are silent until then' }) snoozedUntil: Date | null;
  @Field(() => Int, { description: 'Level the rule gives now' }) currentLevel: number;
}

@ObjectType('PlannedReminder', { description: 'A reminder the planner would send (previewReminders); nothing is written' })
export class PlannedReminderModel {
  @Field(() => ID, { nullable: true, description: 'The organisation; null for a digest' }) organisationId: string | null;
  @Field({ description: STAGE_KEY }) stage: string;
  @Field(() => ReminderStageKind, { description: 'What kind of stage it belongs to' }) stageKind: ReminderStageKind;
  @Field(() => Int, { description: 'Escalation level 1-4' }) level: number;
  @Field({ description: 'E-mail address or webhook URL' }) recipient: string;
  @Field({ description: "The recipient's contact role or escalation kind" }) recipientRole: string;
  @Field(() => ReminderChannel, { description: 'E-mail or webhook' }) channel: `${ReminderChannel}`;
  @Field(() => GraphQLISODateTime, { description: "When it would go (quiet hours in the recipient's time zone)" }) dueAt: Date;
  @Field({ description: "The message's subject" }) subject: string;
  @Field(() => JSONScalar, { description: "The message's data as a webhook would carry it" }) payload: unknown;
}

@ObjectType('PlannerRun', { description: 'What one run of the reminder planner did' })
export class PlannerRunModel {
  @Field(() => Int, { description: 'Organisations planned' }) organisations: number;
  @Field(() => Int, { description: 'Deliveries planned' }) planned: number;
  @Field(() => Int, { description: 'New rows in the outbox; a re-run at the same instant adds none' }) inserted: number;
  @Field(() => Int, { description: 'Deliveries cancelled because their organisation completed' }) cancelledComplete: number;
}

/** A webhook and its signing secret's dates, as a contact's preference and an escalation contact both show them. */
@ObjectType({ isAbstract: true })
abstract class WebhookOwnerModel {
  @Field(() => String, { nullable: true, description: 'https:// endpoint that receives signed JSON webhooks (Standard Webhooks); null when none' }) webhookUrl:
    string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "The webhook's signing secret (Standard Webhooks, whsec_…), only in the answer of the mutation that issued it (a new webhook URL); null on every other read",
  })
  webhookSecret: string | null;
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: "When the webhook's current secret was issued; null for a webhook saved before per-webhook secrets, whose secret nobody has seen: rotate it",
  })
  webhookSecretIssuedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Until when the secret before the last rotation still signs beside the current one' })
  webhookPreviousSecretValidUntil: Date | null;
}

@ObjectType('NotificationPreference', { description: 'How and when a contact hears its reminders: e-mail, a webhook, business hours' })
export class NotificationPreferenceModel extends WebhookOwnerModel {
  @Field(() => ID, { description: 'The contact' }) contactId: string;
  @Field({ description: 'Whether reminders go by e-mail' }) emailEnabled: boolean;
  @Field(() => Int, { description: "Hour (0-23) business hours start, in the contact's time zone" }) businessHoursStart: number;
  @Field(() => Int, { description: "Hour (0-24) business hours end, in the contact's time zone" }) businessHoursEnd: number;
  @Field({ description: 'Whether business hours are Monday to Friday only' }) weekdaysOnly: boolean;
}

@ObjectType('EscalationContact', {
  description: 'Someone above the organisations: a sector liaison (level 3), an SRMA contact or a CISA regional lead (level 4); gets one digest per stage',
})
export class EscalationContactModel extends WebhookOwnerModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field(() => EscalationContactKind, { description: 'Which rung it is' }) kind: string;
  @Field(() => String, { nullable: true, description: "A sector liaison's or SRMA contact's sector code" }) sector: string | null;
  @Field(() => Int, { nullable: true, description: "A CISA regional lead's region (1-10)" }) region: number | null;
  @Field({ description: 'Its name' }) name: string;
  @Field(() => String, { nullable: true, description: 'E-mail address; null when it hears by webhook only' }) email: string | null;
  @Field({ description: 'IANA time zone (e.g. America/Chicago); reminders keep to its business hours' }) timeZone: string;
  @Field(() => String, { nullable: true, description: 'SRMA only: the agency it speaks for; it hears of its sector only while the sector is with that agency' })
  agency: string | null;
}

@ObjectType('WebhookSecret', { description: "A webhook's new signing secret, shown in this answer only" })
export class WebhookSecretModel {
  @Field({ description: 'Standard Webhooks secret (whsec_ and base64): give it to the receiver, which verifies webhook-signature with it' })
  webhookSecret: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was issued' }) issuedAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The previous secret signs beside this one until then; null: it stopped at once' })
  previousSecretValidUntil: Date | null;
}
