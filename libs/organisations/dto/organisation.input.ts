import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ContactRole, SizeBand } from '@libs/domain/vocabulary';
import { IsTimeZone } from '@libs/core/validation/validators';

@InputType({ description: 'A contact of an organisation; the list given replaces its contacts (matched by e-mail)' })
export class ContactInput {
  @Field(() => ContactRole, { description: 'Its role, which decides the escalation level at which it hears' }) @IsEnum(ContactRole) role: ContactRole;
  @Field({ description: 'Full name' }) @IsString() @Length(1, 200) name: string;
  @Field({ description: 'E-mail address' }) @IsEmail({}, { message: 'email must be an e-mail address' }) @MaxLength(320) email: string;
  @Field(() => String, { nullable: true, description: 'IANA time zone (default America/New_York)' }) @IsOptional() @IsTimeZone() timeZone?: string;
}

@InputType({ description: 'A new organisation, onboarded into one or more programmes' })
export class CreateOrganisationInput {
  @Field({ description: "The key it has in the sector's own records; unique" })
  @IsString()
  @Length(1, 100)
  @Matches(/^\S(.*\S)?$/, { message: 'externalKey must not start or end with spaces' })
  externalKey: string;
  @Field({ description: 'Its name (1 to 300 characters)' }) @IsString() @Length(1, 300) name: string;
  @Field({ description: 'Sector code, e.g. ENERGY' })
  @IsString()
  @Matches(/^[A-Z_]+$/, { message: 'primarySector must be a sector code such as ENERGY' })
  primarySector: string;
  @Field(() => [String], { nullable: true, description: 'Other sectors it belongs to; their liaisons see it too' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(15)
  @IsString({ each: true })
  secondarySectors?: string[];
  @Field({ description: 'US state or territory code, e.g. TX' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'state must be a two-letter US state or territory code' })
  state: string;
  @Field(() => SizeBand, { description: 'Its size' }) @IsEnum(SizeBand) sizeBand: SizeBand;
  @Field(() => Int, { description: 'Criticality tier, 1 (most critical) to 4' }) @IsInt() @Min(1) @Max(4) criticalityTier: number;
  @Field(() => [ContactInput], { nullable: true, description: 'Its contacts; a PRIMARY contact hears level-1 reminders' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ContactInput)
  contacts?: ContactInput[];
  @Field(() => [ID], {
    nullable: true,
    description: 'The programmes the organisation takes part in (its milestone plan is made in each); the default programme when omitted',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  programmeIds?: string[];
}

@InputType({ description: 'Changes to an organisation; fields left out stay as they are' })
export class UpdateOrganisationInput {
  @Field(() => ID, { description: 'The organisation' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'The version you read' }) @IsInt() @Min(1) version: number;
  @Field({ nullable: true, description: 'Its name' }) @IsOptional() @IsString() @Length(1, 300) name?: string;
  @Field({ nullable: true, description: 'Its primary sector (an admin or a liaison of the current primary sector only)' })
  @IsOptional()
  @Matches(/^[A-Z_]+$/, { message: 'primarySector must be a sector code such as ENERGY' })
  primarySector?: string;
  @Field(() => [String], { nullable: true, description: 'Other sectors it belongs to (an admin or a liaison of the primary sector only)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(15)
  @IsString({ each: true })
  secondarySectors?: string[];
  @Field({ nullable: true, description: 'Its US state or territory' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'state must be a two-letter US state or territory code' })
  state?: string;
  @Field(() => SizeBand, { nullable: true, description: 'Its size' }) @IsOptional() @IsEnum(SizeBand) sizeBand?: SizeBand;
  @Field(() => Int, { nullable: true, description: 'Criticality tier, 1 (most critical) to 4' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4)
  criticalityTier?: number;
  @Field(() => [ContactInput], { nullable: true, description: 'Replaces the contact list when given' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ContactInput)
  contacts?: ContactInput[];
}

@InputType({ description: 'A row and the version read, for a change that needs nothing else' })
export class VersionedIdInput {
  @Field(() => ID, { description: 'The row' }) @IsUUID() id: string;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' })
  @IsInt()
  @Min(1)
  version: number;
}
