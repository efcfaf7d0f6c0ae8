import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { Environment, UpdateChannel, WhiteLabelConfidence } from '../../domain/vocabulary';
import { IsCalendarDate } from '../../core/validation/validators';

const MAX_ENDPOINTS = 10_000_000;

@InputType()
export class AddFootprintInput {
  @Field(() => ID) @IsUUID() organisationId: string;
  @Field(() => ID, { nullable: true, description: 'Defaults to the default programme' }) @IsOptional() @IsUUID() programmeId?: string;
  @Field({ description: 'Product code from the catalogue (products query), WHITE_LABEL or OTHER' }) @IsString() @Length(1, 64) productCode: string;
  @Field({ nullable: true, description: 'Required for WHITE_LABEL (the third-party product) and OTHER' }) @IsOptional() @IsString() @Length(1, 200) productName?: string;
  @Field({ nullable: true, description: 'Required for WHITE_LABEL: the vendor that embeds the engine' }) @IsOptional() @IsString() @Length(1, 200) vendor?: string;
  @Field(() => WhiteLabelConfidence, { nullable: true }) @IsOptional() @IsEnum(WhiteLabelConfidence) whiteLabelConfidence?: WhiteLabelConfidence;
  @Field(() => Environment) @IsEnum(Environment) environment: Environment;
  @Field(() => Int) @IsInt() @Min(0, { message: 'endpointCount must not be negative' }) @Max(MAX_ENDPOINTS) endpointCount: number;
  @Field(() => Int, { nullable: true, description: 'Defaults to endpointCount' }) @IsOptional() @IsInt() @Min(0, { message: 'endpointsRemaining must not be negative' }) @Max(MAX_ENDPOINTS) endpointsRemaining?: number;
  @Field(() => UpdateChannel, { nullable: true, description: 'Defaults to UNKNOWN' }) @IsOptional() @IsEnum(UpdateChannel) updateChannel?: UpdateChannel;
  @Field(() => GraphQLLocalDate, { nullable: true, description: 'When the licence ends' }) @IsOptional() @IsCalendarDate() licenceEnd?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) replacementProduct?: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() replacementChosenByOrganisation?: boolean;
}

@InputType()
export class UpdateFootprintInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int) @IsInt() @Min(1) version: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 64) productCode?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) productName?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) vendor?: string;
  @Field(() => WhiteLabelConfidence, { nullable: true }) @IsOptional() @IsEnum(WhiteLabelConfidence) whiteLabelConfidence?: WhiteLabelConfidence;
  @Field(() => Environment, { nullable: true }) @IsOptional() @IsEnum(Environment) environment?: Environment;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0, { message: 'endpointCount must not be negative' }) @Max(MAX_ENDPOINTS) endpointCount?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0, { message: 'endpointsRemaining must not be negative' }) @Max(MAX_ENDPOINTS) endpointsRemaining?: number;
  @Field(() => UpdateChannel, { nullable: true }) @IsOptional() @IsEnum(UpdateChannel) updateChannel?: UpdateChannel;
  @Field(() => GraphQLLocalDate, { nullable: true, description: 'When the licence ends' }) @IsOptional() @IsCalendarDate() licenceEnd?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) replacementProduct?: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() replacementChosenByOrganisation?: boolean;
}
