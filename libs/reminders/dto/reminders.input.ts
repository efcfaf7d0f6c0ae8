import { ArgsType, Field, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { IsTimeZone, IsValidInstant } from '@libs/core/validation/validators';
import { EscalationContactKind } from '@libs/domain/vocabulary';

@InputType({ description: "Silence an organisation's reminders until an instant" })
export class SnoozeRemindersInput {
  @Field(() => ID, { description: 'The organisation' }) @IsUUID() organisationId: string;
  @Field(() => GraphQLISODateTime, { description: "Until when; at most the programme's snooze maximum, never past the cutoff" }) @IsValidInstant() until: Date;
  @Field(() => ID, { nullable: true, description: 'The programme; the default programme when omitted' }) @IsOptional() @IsUUID() programmeId?: string;
}

@InputType({ description: "Changes to a contact's notification preference; fields left out stay as they are" })
export class NotificationPreferenceInput {
  @Field(() => ID, { description: 'The contact' }) @IsUUID() contactId: string;
  @Field(() => Boolean, { nullable: true, description: 'Whether reminders go by e-mail' }) @IsOptional() @IsBoolean() emailEnabled?: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'https:// endpoint for signed JSON webhooks; empty string removes it. A new URL gets a new signing secret, shown once in the answer',
  })
  @IsOptional()
  @Matches(/^(https?:\/\/\S+)?$/, { message: 'webhookUrl must be an http(s) URL' })
  webhookUrl?: string;
  @Field(() => Int, { nullable: true, description: 'Hour (0-23) business hours start' }) @IsOptional() @IsInt() @Min(0) @Max(23) businessHoursStart?: number;
  @Field(() => Int, { nullable: true, description: 'Hour (1-24) business hours end' }) @IsOptional() @IsInt() @Min(1) @Max(24) businessHoursEnd?: number;
  @Field(() => Boolean, { nullable: true, description: 'Whether business hours are Monday to Friday only' }) @IsOptional() @IsBoolean() weekdaysOnly?: boolean;
}

@InputType({ description: 'A new escalation contact: a sector liaison, an SRMA contact or a CISA regional lead' })
export class EscalationContactInput {
  @Field(() => EscalationContactKind, { description: 'Which rung it is' })
  @IsIn(Object.values(EscalationContactKind), { message: 'kind must be SECTOR_LIAISON, SRMA or CISA_REGION' })
  kind: 'SECTOR_LIAISON' | 'SRMA' | 'CISA_REGION';
  @Field(() => String, { nullable: true, description: 'For SECTOR_LIAISON and SRMA: the sector code' })
  @IsOptional()
  @Matches(/^[A-Z_]+$/, { message: 'sector must be a sector code' })
  sector?: string;
  @Field(() => Int, { nullable: true, description: 'For CISA_REGION: the region (1-10)' }) @IsOptional() @IsInt() @Min(1) @Max(10) region?: number;
  @Field({ description: 'Its name' }) @IsString() @Length(1, 200) name: string;
  @Field(() => String, { nullable: true, description: 'E-mail address (an e-mail, a webhook or both)' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email?: string;
  @Field(() => String, { nullable: true, description: 'https:// endpoint for signed JSON webhooks; its secret is shown once, in the answer' })
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'webhookUrl must be an http(s) URL' })
  webhookUrl?: string;
  @Field(() => String, { nullable: true, description: 'IANA time zone; America/New_York when omitted' }) @IsOptional() @IsTimeZone() timeZone?: string;
  @Field(() => String, {
    nullable: true,
    description:
      "SRMA only: the agency this contact speaks for. It hears of the sector only while the sector is with that agency (the sector's version in force at the planner's instant); without it, whoever holds the sector",
  })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  agency?: string;
}

@ArgsType()
export class PreviewRemindersArgs {
  @Field(() => GraphQLISODateTime, { description: 'The instant to plan at' }) @IsValidInstant() at: Date;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() organisationId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() programmeId?: string;
  @Field(() => Int, { defaultValue: 100, description: 'Organisations previewed in one answer (1 to 500), in id order; page on with `after`' })
  @IsInt()
  @Min(1)
  @Max(500)
  first: number;
  @Field(() => ID, { nullable: true, description: 'The last organisationId of the previous page' }) @IsOptional() @IsUUID() after?: string;
}

@ArgsType()
export class RotateWebhookSecretArgs {
  @Field(() => ID) @IsUUID() contactId: string;
  @Field(() => Int, {
    defaultValue: 24,
    description: 'Hours the current secret keeps signing beside the new one (0 to 168); 0 ends it at once, e.g. for a leaked secret',
  })
  @IsInt()
  @Min(0)
  @Max(168)
  overlapHours: number;
}

@ArgsType()
export class RotateEscalationWebhookSecretArgs {
  @Field(() => ID) @IsUUID() escalationContactId: string;
  @Field(() => Int, {
    defaultValue: 24,
    description: 'Hours the current secret keeps signing beside the new one (0 to 168); 0 ends it at once, e.g. for a leaked secret',
  })
  @IsInt()
  @Min(0)
  @Max(168)
  overlapHours: number;
}
