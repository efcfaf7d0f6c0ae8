import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsEmail, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { ContactRole, SizeBand } from '../../domain/vocabulary';
import { IsTimeZone } from '../../core/validation/validators';

@InputType()
export class ContactInput {
  @Field(() => ContactRole) @IsEnum(ContactRole) role: ContactRole;
  @Field() @IsString() @Length(1, 200) name: string;
  @Field() @IsEmail({}, { message: 'email must be an e-mail address' }) @MaxLength(320) email: string;
  @Field(() => String, { nullable: true, description: 'IANA time zone (default America/New_York)' }) @IsOptional() @IsTimeZone() timeZone?: string;
}

@InputType()
export class CreateOrganisationInput {
  @Field() @IsString() @Length(1, 100) @Matches(/^\S(.*\S)?$/, { message: 'externalKey must not start or end with spaces' }) externalKey: string;
  @Field() @IsString() @Length(1, 300) name: string;
  @Field({ description: 'Sector code, e.g. ENERGY' }) @IsString() @Matches(/^[A-Z_]+$/, { message: 'primarySector must be a sector code such as ENERGY' }) primarySector: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(15) @IsString({ each: true }) secondarySectors?: string[];
  @Field({ description: 'US state or territory code, e.g. TX' }) @IsString() @Matches(/^[A-Z]{2}$/, { message: 'state must be a two-letter US state or territory code' }) state: string;
  @Field(() => SizeBand) @IsEnum(SizeBand) sizeBand: SizeBand;
  @Field(() => Int) @IsInt() @Min(1) @Max(4) criticalityTier: number;
  @Field(() => [ContactInput], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ContactInput) contacts?: ContactInput[];
  @Field(() => [ID], { nullable: true, description: 'The programmes the organisation takes part in (its milestone plan is made in each); the default programme when omitted' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUUID('all', { each: true }) programmeIds?: string[];
}

@InputType()
export class UpdateOrganisationInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int, { description: 'The version you read' }) @IsInt() @Min(1) version: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 300) name?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(/^[A-Z_]+$/, { message: 'primarySector must be a sector code such as ENERGY' }) primarySector?: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(15) @IsString({ each: true }) secondarySectors?: string[];
  @Field({ nullable: true }) @IsOptional() @Matches(/^[A-Z]{2}$/, { message: 'state must be a two-letter US state or territory code' }) state?: string;
  @Field(() => SizeBand, { nullable: true }) @IsOptional() @IsEnum(SizeBand) sizeBand?: SizeBand;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(4) criticalityTier?: number;
  @Field(() => [ContactInput], { nullable: true, description: 'Replaces the contact list when given' }) @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ContactInput) contacts?: ContactInput[];
}

@InputType()
export class VersionedIdInput {
  @Field(() => ID) @IsUUID() id: string;
  @Field(() => Int) @IsInt() @Min(1) version: number;
}
