import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { MilestoneStateEnum } from '../../domain/vocabulary';

@InputType()
export class FootprintReportInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int) @IsInt() @Min(1) version: number;
  @Field(() => Int) @IsInt() @Min(0, { message: 'endpointsRemaining must not be negative' }) @Max(10_000_000) endpointsRemaining: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0, { message: 'endpointCount must not be negative' }) @Max(10_000_000) endpointCount?: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) replacementProduct?: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() replacementChosenByOrganisation?: boolean;
}

@InputType()
export class MilestoneReportInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int) @IsInt() @Min(1) version: number;
  @Field(() => MilestoneStateEnum) @IsEnum(MilestoneStateEnum) state: MilestoneStateEnum;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 2000) blockedReason?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 10000) evidence?: string;
}

@InputType({ description: 'One atomic report: every part applies or none does' })
export class SelfReportInput {
  @Field(() => ID) @IsUUID() organisationId: string;
  @Field(() => [FootprintReportInput], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => FootprintReportInput) footprint?: FootprintReportInput[];
  @Field(() => [MilestoneReportInput], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => MilestoneReportInput) milestones?: MilestoneReportInput[];
}
