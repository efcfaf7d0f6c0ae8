import { Field, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';
import { MilestoneStateEnum } from '@libs/domain/vocabulary';
import { IsValidInstant } from '@libs/core/validation/validators';

@InputType({ description: 'Changes to one milestone; fields left out stay as they are' })
export class UpdateMilestoneInput {
  @Field(() => ID, { description: 'The milestone' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' })
  @IsInt()
  @Min(1)
  version: number;
  @Field(() => MilestoneStateEnum, { nullable: true, description: 'Its state now' }) @IsOptional() @IsEnum(MilestoneStateEnum) state?: MilestoneStateEnum;
  @Field({ nullable: true, description: 'Required when the state is BLOCKED' }) @IsOptional() @IsString() @Length(1, 2000) blockedReason?: string;
  @Field({ nullable: true, description: 'Evidence of the work' }) @IsOptional() @IsString() @Length(1, 10000) evidence?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Liaisons and admins only: a new target' }) @IsOptional() @IsValidInstant() targetAt?: Date;
  @Field(() => ID, {
    nullable: true,
    description:
      "Liaisons and admins only, OT milestones only: target the maintenance window of this OT deployment (footprint row); the target becomes the window's end. null: target no window (the target stays)",
  })
  @IsOptional()
  @IsUUID()
  maintenanceWindowFootprintId?: string | null;
}

@InputType({ description: 'Ask for a milestone to be judged against a later target' })
export class RequestExtensionInput {
  @Field(() => ID, { description: 'The milestone' }) @IsUUID() milestoneId: string;
  @Field({ description: 'Why (a maintenance window, a certified replacement not yet available…)' })
  @IsString()
  @Length(10, 10000, { message: 'justification must be 10 to 10000 characters' })
  justification: string;
  @Field(() => GraphQLISODateTime, { description: 'The target asked for' }) @IsValidInstant() requestedTargetAt: Date;
  @Field(() => ID, {
    nullable: true,
    description:
      "OT milestones only: the OT deployment (footprint row) whose maintenance window the request waits for; the requested target must not be before the window's end",
  })
  @IsOptional()
  @IsUUID()
  maintenanceWindowFootprintId?: string;
}

@InputType({ description: 'Grant a requested extension, optionally with a different target or expiry' })
export class GrantExtensionInput {
  @Field(() => ID, { description: 'The extension' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' })
  @IsInt()
  @Min(1)
  version: number;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Defaults to the requested target' }) @IsOptional() @IsValidInstant() grantedTargetAt?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the extension lapses; defaults to the granted target' })
  @IsOptional()
  @IsValidInstant()
  expiresAt?: Date;
  @Field({ nullable: true, description: 'A note on the decision' }) @IsOptional() @IsString() @Length(1, 10000) note?: string;
}

@InputType({ description: 'Refuse a requested extension, with the reason' })
export class DenyExtensionInput {
  @Field(() => ID, { description: 'The extension' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' })
  @IsInt()
  @Min(1)
  version: number;
  @Field({ description: 'Why it is denied' }) @IsString() @Length(1, 10000) note: string;
}

@InputType({ description: 'A status report on the extension in force, due every statusReportEveryDays of the programme while a milestone is extended' })
export class ExtensionStatusReportInput {
  @Field(() => ID, { description: 'The extension in force' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' })
  @IsInt()
  @Min(1)
  version: number;
  @Field({ description: 'Where the work stands and what it waits for' })
  @IsString()
  @Length(10, 10000, { message: 'report must be 10 to 10000 characters' })
  report: string;
}
