import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { MilestoneStateEnum } from '@libs/domain/vocabulary';

@InputType({ description: 'A self-reported change to one footprint row' })
export class FootprintReportInput {
  @Field(() => ID, { description: 'The footprint row' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' })
  @IsInt()
  @Min(1)
  version: number;
  @Field(() => Int, { description: 'The ones still running it' })
  @IsInt()
  @Min(0, { message: 'endpointsRemaining must not be negative' })
  @Max(10_000_000)
  endpointsRemaining: number;
  @Field(() => Int, { nullable: true, description: 'Endpoints, servers or nodes that ran the product, when it changed' })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'endpointCount must not be negative' })
  @Max(10_000_000)
  endpointCount?: number;
  @Field({ nullable: true, description: 'The product that replaces it' }) @IsOptional() @IsString() @Length(1, 200) replacementProduct?: string;
  @Field({ nullable: true, description: 'Whether the organisation chose the replacement (not pushed by a vendor update)' })
  @IsOptional()
  @IsBoolean()
  replacementChosenByOrganisation?: boolean;
}

@InputType({ description: 'A self-reported state (and evidence) for one milestone' })
export class MilestoneReportInput {
  @Field(() => ID, { description: 'The milestone' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' })
  @IsInt()
  @Min(1)
  version: number;
  @Field(() => MilestoneStateEnum, { description: 'Its state now' }) @IsEnum(MilestoneStateEnum) state: MilestoneStateEnum;
  @Field({ nullable: true, description: 'Why it is blocked (required for BLOCKED)' }) @IsOptional() @IsString() @Length(1, 2000) blockedReason?: string;
  @Field({ nullable: true, description: 'Evidence of the work' }) @IsOptional() @IsString() @Length(1, 10000) evidence?: string;
}

@InputType({ description: 'One atomic report: every part applies or none does' })
export class SelfReportInput {
  @Field(() => ID, { description: 'The organisation reporting' }) @IsUUID() organisationId: string;
  @Field(() => [FootprintReportInput], { nullable: true, description: 'Footprint rows reported' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => FootprintReportInput)
  footprint?: FootprintReportInput[];
  @Field(() => [MilestoneReportInput], { nullable: true, description: 'Milestones reported' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => MilestoneReportInput)
  milestones?: MilestoneReportInput[];
}
