import { Field, Float, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ProductKind } from '../../domain/vocabulary';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { IsValidInstant } from '../../core/validation/validators';

@InputType()
export class MilestonePlanStepInput {
  @Field({ description: 'A stable key, e.g. INVENTORY_COMPLETE' }) @Matches(/^[A-Z][A-Z0-9_]{1,59}$/, { message: 'key must be upper case letters, digits and _' }) key: string;
  @Field() @IsString() @Length(1, 200) name: string;
  @Field(() => Int, { description: 'IT-track target in days relative to the updates cutoff (negative: before it)' }) @IsInt() @Min(-3650) @Max(3650) itOffsetDays: number;
  @Field(() => Int, { description: 'OT-track target in days relative to the updates cutoff' }) @IsInt() @Min(-3650) @Max(3650) otOffsetDays: number;
}

@InputType()
export class ReminderLadderInput {
  @Field(() => [Int], { description: 'Days before the cutoff at which a countdown stage fires' }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(30) @IsInt({ each: true }) @Min(0, { each: true }) @Max(3650, { each: true }) stagesDaysBeforeCutoff: number[];
  @Field(() => Int) @IsInt() @Min(1) @Max(365) overdueEveryDays: number;
  @Field(() => Int) @IsInt() @Min(0) @Max(365) milestoneDueSoonDays: number;
  @Field(() => Int) @IsInt() @Min(0) @Max(365) acknowledgePauseDays: number;
  @Field(() => Int) @IsInt() @Min(0) @Max(365) snoozeMaxDays: number;
  @Field(() => Int, { nullable: true, description: 'The most days an organisation may snooze in all' }) @IsOptional() @IsInt() @Min(0) @Max(365) snoozeTotalMaxDays?: number;
  @Field(() => Int, { nullable: true, description: 'No snooze reaches into so many days before the cutoff (7 when omitted)' }) @IsOptional() @IsInt() @Min(0) @Max(365) noSnoozeWithinDays?: number;
  @Field(() => Int, { nullable: true, description: 'A link in a message opens until so many days after the next reminder stage (7 when omitted)' }) @IsOptional() @IsInt() @Min(1) @Max(90) linkValidDaysAfterNextStage?: number;
}

@InputType()
export class EscalationThresholdsInput {
  @Field(() => Int, { description: 'Executives and security leads join within so many days of the cutoff' }) @IsInt() @Min(1) @Max(365) executivesDays: number;
  @Field(() => Int, { description: 'Sector liaisons join within so many days of the cutoff' }) @IsInt() @Min(0) @Max(365) liaisonDays: number;
  @Field(() => Int, { description: 'The SRMA and the CISA region join so many days past the cutoff' }) @IsInt() @Min(0) @Max(365) agencyDaysAfter: number;
}

@InputType({ description: "After the FCC's rip-and-replace programme: what one extension may give and what it asks in return" })
export class ExtensionRulesInput {
  @Field(() => Int, { description: 'The longest one grant may give: its target and expiry at most so many days after the target it extends' }) @IsInt() @Min(1) @Max(3650) maxGrantDays: number;
  @Field(() => Int, { description: 'How many extensions one milestone may be granted in all' }) @IsInt() @Min(1) @Max(20) maxGrantsPerMilestone: number;
  @Field(() => Int, { nullable: true, description: 'While extended, a status report is due so many days after the grant or the last report (null: none)' }) @IsOptional() @IsInt() @Min(1) @Max(365) statusReportEveryDays: number | null;
}

@InputType()
export class ProgrammeRulesInput {
  @Field() @IsString() @Length(1, 60) inventoryMilestoneKey: string;
  @Field() @IsString() @Length(1, 60) removalVerifiedMilestoneKey: string;
  @Field(() => Int) @IsInt() @Min(0) @Max(365) dueSoonDays: number;
  @Field(() => Int) @IsInt() @Min(0) @Max(365) cutoffNearDays: number;
  @Field(() => Float, { description: 'Share of endpoints remaining, 0-1, above which a near cutoff is a risk' }) @IsNumber() @Min(0.01) @Max(0.99) laggingShare: number;
  @Field(() => EscalationThresholdsInput) @ValidateNested() @Type(() => EscalationThresholdsInput) escalation: EscalationThresholdsInput;
  @Field(() => ExtensionRulesInput, { nullable: true, description: 'Left out of an edit: the programme keeps the extension rules it has; left out of a new programme: no cap and no status report' })
  @IsOptional() @ValidateNested() @Type(() => ExtensionRulesInput) extensions?: ExtensionRulesInput;
}

@InputType()
export class ProgrammeWordingInput {
  @Field({ description: 'How messages name the product, e.g. the vendor name' }) @IsString() @Length(1, 100) product: string;
  @Field({ description: 'One sentence on what the cutoff means for a copy left running' }) @IsString() @Length(0, 500) consequence: string;
}

@InputType()
export class ProductInput {
  @Field() @Matches(/^[A-Z][A-Z0-9_]{1,59}$/, { message: 'code must be upper case letters, digits and _' }) code: string;
  @Field() @IsString() @Length(1, 200) name: string;
  @Field() @IsString() @Length(1, 100) family: string;
  @Field(() => ProductKind) @IsIn(Object.values(ProductKind), { message: 'kind must be CATALOGUE, WHITE_LABEL or OTHER' }) kind: 'CATALOGUE' | 'WHITE_LABEL' | 'OTHER';
}

@InputType()
export class CreateProgrammeInput {
  @Field({ description: 'A stable key, e.g. vendor-ban-2025' }) @Matches(/^[a-z0-9][a-z0-9-]{1,59}$/, { message: 'key must be lower case letters, digits and -' }) key: string;
  @Field() @IsString() @Length(1, 200) name: string;
  @Field() @IsString() @Length(1, 500) regulation: string;
  @Field(() => GraphQLISODateTime) @IsValidInstant() announced: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() @IsValidInstant() published?: Date;
  @Field(() => GraphQLISODateTime) @IsValidInstant() newBusinessCutoff: Date;
  @Field(() => GraphQLISODateTime, { description: 'The cutoff the countdown runs against' }) @IsValidInstant() updatesCutoff: Date;
  @Field(() => Int) @IsInt() @Min(1) @Max(365) staleReportDays: number;
  @Field(() => [MilestonePlanStepInput]) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(40) @ValidateNested({ each: true }) @Type(() => MilestonePlanStepInput) milestonePlan: MilestonePlanStepInput[];
  @Field(() => ReminderLadderInput) @ValidateNested() @Type(() => ReminderLadderInput) reminderLadder: ReminderLadderInput;
  @Field(() => ProgrammeRulesInput) @ValidateNested() @Type(() => ProgrammeRulesInput) rules: ProgrammeRulesInput;
  @Field(() => ProgrammeWordingInput) @ValidateNested() @Type(() => ProgrammeWordingInput) wording: ProgrammeWordingInput;
  @Field(() => [ProductInput], { nullable: true, description: "The programme's own product catalogue" }) @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => ProductInput) products?: ProductInput[];
}

@InputType({ description: 'Fields left out stay as they are. A new milestone plan applies to tracks made from now on; existing milestones keep their targets.' })
export class UpdateProgrammeInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int, { description: 'The version you read' }) @IsInt() @Min(1) version: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) name?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 500) regulation?: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() @IsValidInstant() newBusinessCutoff?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() @IsValidInstant() updatesCutoff?: Date;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(365) staleReportDays?: number;
  @Field(() => [MilestonePlanStepInput], { nullable: true }) @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(40) @ValidateNested({ each: true }) @Type(() => MilestonePlanStepInput) milestonePlan?: MilestonePlanStepInput[];
  @Field(() => ReminderLadderInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ReminderLadderInput) reminderLadder?: ReminderLadderInput;
  @Field(() => ProgrammeRulesInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ProgrammeRulesInput) rules?: ProgrammeRulesInput;
  @Field(() => ProgrammeWordingInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ProgrammeWordingInput) wording?: ProgrammeWordingInput;
}
