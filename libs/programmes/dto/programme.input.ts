import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, Float, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ProductKind } from '@libs/domain/vocabulary';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate, IsValidInstant } from '@libs/core/validation/validators';

@InputType({ description: 'One step of a milestone plan: its key, name and targets relative to the updates cutoff' })
export class MilestonePlanStepInput {
  @Field({ description: 'A stable key, e.g. INVENTORY_COMPLETE' })
  @Matches(/^[A-Z][A-Z0-9_]{1,59}$/, { message: 'key must be upper case letters, digits and _' })
  key: string;
  @Field({ description: 'Its name for people' }) @IsString() @Length(1, 200) name: string;
  @Field(() => Int, { description: 'IT-track target in days relative to the updates cutoff (negative: before it)' })
  @IsInt()
  @Min(-3650)
  @Max(3650)
  itOffsetDays: number;
  @Field(() => Int, { description: 'OT-track target in days relative to the updates cutoff' }) @IsInt() @Min(-3650) @Max(3650) otOffsetDays: number;
}

@InputType({ description: 'When reminders go out: countdown stages before the cutoff, then overdue ones, and how acknowledgement and snoozing hold them' })
export class ReminderLadderInput {
  @Field(() => [Int], { description: 'Days before the cutoff at which a countdown stage fires' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(3650, { each: true })
  stagesDaysBeforeCutoff: number[];
  @Field(() => Int, { description: 'After the cutoff, an overdue stage every so many days until removal is verified' })
  @IsInt()
  @Min(1)
  @Max(365)
  overdueEveryDays: number;
  @Field(() => Int, { description: "Days before a milestone's target from which it is reminded as due" })
  @IsInt()
  @Min(0)
  @Max(365)
  milestoneDueSoonDays: number;
  @Field(() => Int, { description: 'Days an acknowledgement holds escalation where it is' }) @IsInt() @Min(0) @Max(365) acknowledgePauseDays: number;
  @Field(() => Int, { description: 'The longest one snooze' }) @IsInt() @Min(0) @Max(365) snoozeMaxDays: number;
  @Field(() => Int, { nullable: true, description: 'The most days an organisation may snooze in all' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  snoozeTotalMaxDays?: number;
  @Field(() => Int, { nullable: true, description: 'No snooze reaches into so many days before the cutoff (7 when omitted)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  noSnoozeWithinDays?: number;
  @Field(() => Int, { nullable: true, description: 'A link in a message opens until so many days after the next reminder stage (7 when omitted)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  linkValidDaysAfterNextStage?: number;
}

@InputType({ description: 'Days to the cutoff at which escalation reaches each rung' })
export class EscalationThresholdsInput {
  @Field(() => Int, { description: 'Executives and security leads join within so many days of the cutoff' }) @IsInt() @Min(1) @Max(365) executivesDays: number;
  @Field(() => Int, { description: 'Sector liaisons join within so many days of the cutoff' }) @IsInt() @Min(0) @Max(365) liaisonDays: number;
  @Field(() => Int, { description: 'The SRMA and the CISA region join so many days past the cutoff' }) @IsInt() @Min(0) @Max(365) agencyDaysAfter: number;
}

@InputType({ description: "After the FCC's rip-and-replace programme: what one extension may give and what it asks in return" })
export class ExtensionRulesInput {
  @Field(() => Int, { description: 'The longest one grant may give: its target and expiry at most so many days after the target it extends' })
  @IsInt()
  @Min(1)
  @Max(3650)
  maxGrantDays: number;
  @Field(() => Int, { description: 'How many extensions one milestone may be granted in all' }) @IsInt() @Min(1) @Max(20) maxGrantsPerMilestone: number;
  @Field(() => Int, { nullable: true, description: 'While extended, a status report is due so many days after the grant or the last report (null: none)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  statusReportEveryDays: number | null;
}

@InputType({ description: "The programme's rules: which milestones mean inventory done and removal verified, windows and thresholds" })
export class ProgrammeRulesInput {
  @Field({ description: 'The milestone that, verified with no footprint, means none of the product was found' })
  @IsString()
  @Length(1, 60)
  inventoryMilestoneKey: string;
  @Field({ description: 'The milestone whose verification on every track means removal is verified' })
  @IsString()
  @Length(1, 60)
  removalVerifiedMilestoneKey: string;
  @Field(() => Int, { description: 'Days before a target from which a milestone not started puts an organisation at risk' })
  @IsInt()
  @Min(0)
  @Max(365)
  dueSoonDays: number;
  @Field(() => Int, { description: 'Days before the cutoff from which lagging and OT footprint weigh more' }) @IsInt() @Min(0) @Max(365) cutoffNearDays: number;
  @Field(() => Float, { description: 'Share of endpoints remaining, 0-1, above which a near cutoff is a risk' })
  @IsNumber()
  @Min(0.01)
  @Max(0.99)
  laggingShare: number;
  @Field(() => EscalationThresholdsInput, { description: 'When escalation reaches each rung' })
  @ValidateNested()
  @Type(() => EscalationThresholdsInput)
  escalation: EscalationThresholdsInput;
  @Field(() => ExtensionRulesInput, {
    nullable: true,
    description: 'Left out of an edit: the programme keeps the extension rules it has; left out of a new programme: no cap and no status report',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExtensionRulesInput)
  extensions?: ExtensionRulesInput;
}

@InputType({ description: 'How reminders name the product and the consequence of keeping it' })
export class ProgrammeWordingInput {
  @Field({ description: 'How messages name the product, e.g. the vendor name' }) @IsString() @Length(1, 100) product: string;
  @Field({ description: 'One sentence on what the cutoff means for a copy left running' }) @IsString() @Length(0, 500) consequence: string;
}

@InputType({ description: "A product of a programme's catalogue" })
export class ProductInput {
  @Field({ description: 'Its code in the catalogue (upper case)' })
  @Matches(/^[A-Z][A-Z0-9_]{1,59}$/, { message: 'code must be upper case letters, digits and _' })
  code: string;
  @Field({ description: 'Its name' }) @IsString() @Length(1, 200) name: string;
  @Field({ description: 'The product family' }) @IsString() @Length(1, 100) family: string;
  @Field(() => ProductKind, { description: 'Catalogue product, white-label engine or other' })
  @IsIn(Object.values(ProductKind), { message: 'kind must be CATALOGUE, WHITE_LABEL or OTHER' })
  kind: 'CATALOGUE' | 'WHITE_LABEL' | 'OTHER';
}

@InputType({ description: 'A new transition programme (docs/programmes.md)' })
export class CreateProgrammeInput {
  @Field({ description: 'A stable key, e.g. vendor-ban-2025' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,59}$/, { message: 'key must be lower case letters, digits and -' })
  key: string;
  @Field({ description: 'Its name' }) @IsString() @Length(1, 200) name: string;
  @Field({ description: 'The regulation behind it (case, citation)' }) @IsString() @Length(1, 500) regulation: string;
  @Field(() => GraphQLLocalDate, { description: 'The day the determination was announced: a calendar date (YYYY-MM-DD), not an instant' })
  @IsCalendarDate()
  announced: string;
  @Field(() => GraphQLLocalDate, { nullable: true, description: 'The day it was published (the Federal Register): a calendar date (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  published?: string;
  @Field(() => GraphQLISODateTime, { description: 'No new agreements from this instant' }) @IsValidInstant() newBusinessCutoff: Date;
  @Field(() => GraphQLISODateTime, { description: 'The cutoff the countdown runs against' }) @IsValidInstant() updatesCutoff: Date;
  @Field(() => Int, { description: "Days after which an organisation's last report is stale" }) @IsInt() @Min(1) @Max(365) staleReportDays: number;
  @Field(() => [MilestonePlanStepInput], { description: "The milestones each organisation's plan is made of, in order" })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(40)
  @ValidateNested({ each: true })
  @Type(() => MilestonePlanStepInput)
  milestonePlan: MilestonePlanStepInput[];
  @Field(() => ReminderLadderInput, { description: 'When reminders go out' })
  @ValidateNested()
  @Type(() => ReminderLadderInput)
  reminderLadder: ReminderLadderInput;
  @Field(() => ProgrammeRulesInput, { description: 'Its rules and thresholds' }) @ValidateNested() @Type(() => ProgrammeRulesInput) rules: ProgrammeRulesInput;
  @Field(() => ProgrammeWordingInput, { description: 'How reminders name the product and the consequence' })
  @ValidateNested()
  @Type(() => ProgrammeWordingInput)
  wording: ProgrammeWordingInput;
  @Field(() => [ProductInput], { nullable: true, description: "The programme's own product catalogue" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ProductInput)
  products?: ProductInput[];
}

@InputType({
  description: 'Fields left out stay as they are. A new milestone plan applies to tracks made from now on; existing milestones keep their targets.',
})
export class UpdateProgrammeInput {
  @Field(() => ID, { description: 'The programme' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'The version you read' }) @IsInt() @Min(1) version: number;
  @Field({ nullable: true, description: 'Its name' }) @IsOptional() @IsString() @Length(1, 200) name?: string;
  @Field({ nullable: true, description: 'The regulation behind it' }) @IsOptional() @IsString() @Length(1, 500) regulation?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'No new agreements from this instant' })
  @IsOptional()
  @IsValidInstant()
  newBusinessCutoff?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The updates cutoff' }) @IsOptional() @IsValidInstant() updatesCutoff?: Date;
  @Field(() => Int, { nullable: true, description: "Days after which an organisation's last report is stale" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  staleReportDays?: number;
  @Field(() => [MilestonePlanStepInput], { nullable: true, description: 'A new milestone plan' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(40)
  @ValidateNested({ each: true })
  @Type(() => MilestonePlanStepInput)
  milestonePlan?: MilestonePlanStepInput[];
  @Field(() => ReminderLadderInput, { nullable: true, description: 'When reminders go out' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReminderLadderInput)
  reminderLadder?: ReminderLadderInput;
  @Field(() => ProgrammeRulesInput, { nullable: true, description: 'Its rules and thresholds' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProgrammeRulesInput)
  rules?: ProgrammeRulesInput;
  @Field(() => ProgrammeWordingInput, { nullable: true, description: 'How reminders name the product and the consequence' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProgrammeWordingInput)
  wording?: ProgrammeWordingInput;
}
