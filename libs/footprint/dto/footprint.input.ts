import { Field, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { Environment, UpdateChannel, WhiteLabelConfidence } from '@libs/domain/vocabulary';
import { IsCalendarDate, IsValidInstant } from '@libs/core/validation/validators';

const MAX_ENDPOINTS = 10_000_000;

@InputType({ description: "A new deployment of the programme's product at an organisation" })
export class AddFootprintInput {
  @Field(() => ID, { description: 'The organisation' }) @IsUUID() organisationId: string;
  @Field(() => ID, { nullable: true, description: 'Defaults to the default programme' }) @IsOptional() @IsUUID() programmeId?: string;
  @Field({ description: 'Product code from the catalogue (products query), WHITE_LABEL or OTHER' }) @IsString() @Length(1, 64) productCode: string;
  @Field({ nullable: true, description: 'Required for WHITE_LABEL (the third-party product) and OTHER' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  productName?: string;
  @Field({ nullable: true, description: 'Required for WHITE_LABEL: the vendor that embeds the engine' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  vendor?: string;
  @Field(() => WhiteLabelConfidence, { nullable: true, description: 'For WHITE_LABEL: how sure it is that the third-party product embeds the engine' })
  @IsOptional()
  @IsEnum(WhiteLabelConfidence)
  whiteLabelConfidence?: WhiteLabelConfidence;
  @Field(() => Environment, { description: 'Where it runs' }) @IsEnum(Environment) environment: Environment;
  @Field(() => Int, { description: 'Endpoints, servers or nodes running the product' })
  @IsInt()
  @Min(0, { message: 'endpointCount must not be negative' })
  @Max(MAX_ENDPOINTS)
  endpointCount: number;
  @Field(() => Int, { nullable: true, description: 'Defaults to endpointCount' })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'endpointsRemaining must not be negative' })
  @Max(MAX_ENDPOINTS)
  endpointsRemaining?: number;
  @Field(() => UpdateChannel, { nullable: true, description: 'Defaults to UNKNOWN' }) @IsOptional() @IsEnum(UpdateChannel) updateChannel?: UpdateChannel;
  @Field(() => GraphQLLocalDate, { nullable: true, description: 'When the licence ends' }) @IsOptional() @IsCalendarDate() licenceEnd?: string;
  @Field({ nullable: true, description: 'The product that replaces it, once chosen' }) @IsOptional() @IsString() @Length(1, 200) replacementProduct?: string;
  @Field({ nullable: true, description: 'Whether the organisation chose the replacement (not pushed by a vendor update)' })
  @IsOptional()
  @IsBoolean()
  replacementChosenByOrganisation?: boolean;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'OT only: the start of the next maintenance window (with its end)' })
  @IsOptional()
  @IsValidInstant()
  maintenanceWindowStartsAt?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'OT only: the end of the next maintenance window' })
  @IsOptional()
  @IsValidInstant()
  maintenanceWindowEndsAt?: Date | null;
  @Field(() => String, { nullable: true, description: 'OT only: a name for the window, e.g. "Unit 2 autumn outage"' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  maintenanceWindowName?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'OT only: the replacement is certified by the equipment vendor' })
  @IsOptional()
  @IsBoolean()
  replacementVendorCertified?: boolean | null;
  @Field(() => String, { nullable: true, description: "OT only: the equipment vendor's certificate or notice (required when certified)" })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  replacementCertificationRef?: string | null;
}

@InputType({ description: 'Changes to one footprint row; fields left out stay as they are' })
export class UpdateFootprintInput {
  @Field(() => ID, { description: 'The footprint row' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' })
  @IsInt()
  @Min(1)
  version: number;
  @Field({ nullable: true, description: 'Product code from the catalogue, WHITE_LABEL or OTHER' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  productCode?: string;
  @Field({ nullable: true, description: "The product's own name for OTHER, the third-party product for WHITE_LABEL" })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  productName?: string;
  @Field({ nullable: true, description: 'The third-party vendor that embeds the engine (WHITE_LABEL)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  vendor?: string;
  @Field(() => WhiteLabelConfidence, { nullable: true, description: 'For WHITE_LABEL: how sure it is' })
  @IsOptional()
  @IsEnum(WhiteLabelConfidence)
  whiteLabelConfidence?: WhiteLabelConfidence;
  @Field(() => Environment, { nullable: true, description: 'Where it runs' }) @IsOptional() @IsEnum(Environment) environment?: Environment;
  @Field(() => Int, { nullable: true, description: 'Endpoints, servers or nodes that ran the product' })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'endpointCount must not be negative' })
  @Max(MAX_ENDPOINTS)
  endpointCount?: number;
  @Field(() => Int, { nullable: true, description: 'The ones still running it' })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'endpointsRemaining must not be negative' })
  @Max(MAX_ENDPOINTS)
  endpointsRemaining?: number;
  @Field(() => UpdateChannel, { nullable: true, description: 'How it receives updates' }) @IsOptional() @IsEnum(UpdateChannel) updateChannel?: UpdateChannel;
  @Field(() => GraphQLLocalDate, { nullable: true, description: 'When the licence ends' }) @IsOptional() @IsCalendarDate() licenceEnd?: string;
  @Field({ nullable: true, description: 'The product that replaces it' }) @IsOptional() @IsString() @Length(1, 200) replacementProduct?: string;
  @Field({ nullable: true, description: 'Whether the organisation chose the replacement' })
  @IsOptional()
  @IsBoolean()
  replacementChosenByOrganisation?: boolean;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'OT only: the start of the next maintenance window (with its end)' })
  @IsOptional()
  @IsValidInstant()
  maintenanceWindowStartsAt?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'OT only: the end of the next maintenance window' })
  @IsOptional()
  @IsValidInstant()
  maintenanceWindowEndsAt?: Date | null;
  @Field(() => String, { nullable: true, description: 'OT only: a name for the window, e.g. "Unit 2 autumn outage"' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  maintenanceWindowName?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'OT only: the replacement is certified by the equipment vendor' })
  @IsOptional()
  @IsBoolean()
  replacementVendorCertified?: boolean | null;
  @Field(() => String, { nullable: true, description: "OT only: the equipment vendor's certificate or notice (required when certified)" })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  replacementCertificationRef?: string | null;
}

@InputType({ description: "A liaison's verified count of what remains on a footprint row, beside the organisation's reported one" })
export class VerifyFootprintInput {
  @Field(() => ID, { description: 'The footprint row' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'The version read: a stale one is refused with CONFLICT' }) @IsInt() @Min(1) version: number;
  @Field(() => Int, { description: "What the liaison verified remains (at most the row's endpointCount)" })
  @IsInt()
  @Min(0, { message: 'verifiedRemaining must not be negative' })
  @Max(MAX_ENDPOINTS)
  verifiedRemaining: number;
}
