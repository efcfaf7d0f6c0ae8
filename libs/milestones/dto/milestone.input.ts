import { Field, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';
import { MilestoneStateEnum } from '../../domain/vocabulary';
import { IsValidInstant } from '../../core/validation/validators';

@InputType()
export class UpdateMilestoneInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int) @IsInt() @Min(1) version: number;
  @Field(() => MilestoneStateEnum, { nullable: true }) @IsOptional() @IsEnum(MilestoneStateEnum) state?: MilestoneStateEnum;
  @Field({ nullable: true, description: 'Required when the state is BLOCKED' }) @IsOptional() @IsString() @Length(1, 2000) blockedReason?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 10000) evidence?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Liaisons and admins only: a new target' }) @IsOptional() @IsValidInstant() targetAt?: Date;
}

@InputType()
export class RequestExtensionInput {
  @Field(() => ID) @IsUUID() milestoneId: string;
  @Field() @IsString() @Length(10, 10000, { message: 'justification must be 10 to 10000 characters' }) justification: string;
  @Field(() => GraphQLISODateTime) @IsValidInstant() requestedTargetAt: Date;
}

@InputType()
export class GrantExtensionInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int) @IsInt() @Min(1) version: number;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Defaults to the requested target' }) @IsOptional() @IsValidInstant() grantedTargetAt?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the extension lapses; defaults to the granted target' }) @IsOptional() @IsValidInstant() expiresAt?: Date;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 10000) note?: string;
}

@InputType()
export class DenyExtensionInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int) @IsInt() @Min(1) version: number;
  @Field() @IsString() @Length(1, 10000) note: string;
}

@InputType({ description: 'A status report on the extension in force, due every statusReportEveryDays of the programme while a milestone is extended' })
export class ExtensionStatusReportInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int) @IsInt() @Min(1) version: number;
  @Field({ description: 'Where the work stands and what it waits for' }) @IsString() @Length(10, 10000, { message: 'report must be 10 to 10000 characters' }) report: string;
}
