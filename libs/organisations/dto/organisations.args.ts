import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Environment, OrganisationSortField, OrganisationStatusEnum, SortDirection } from '@libs/domain/vocabulary';

@InputType({ description: 'Which organisations to list; every condition given must hold' })
export class OrganisationFilter {
  @Field({ nullable: true, description: 'Primary or secondary sector' })
  @IsOptional()
  @Matches(/^[A-Z_]+$/, { message: 'sector must be a sector code' })
  sector?: string;
  @Field({ nullable: true, description: 'A state code' }) @IsOptional() @Matches(/^[A-Z]{2}$/, { message: 'state must be a two-letter code' }) state?: string;
  @Field(() => Int, { nullable: true, description: 'CISA region 1-10' }) @IsOptional() @IsInt() @Min(1) @Max(10) region?: number;
  @Field(() => OrganisationStatusEnum, { nullable: true, description: 'Its stored status' })
  @IsOptional()
  @IsEnum(OrganisationStatusEnum)
  status?: OrganisationStatusEnum;
  @Field({ nullable: true, description: 'Matches name or external key, case-insensitive' }) @IsOptional() @IsString() @MaxLength(200) search?: string;
  @Field({ nullable: true, description: 'Runs this product (a code of the products query, WHITE_LABEL or OTHER) in the programme' })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{1,64}$/, { message: 'product must be a product code' })
  product?: string;
  @Field(() => Environment, { nullable: true, description: 'Has a footprint row in this environment (with product: that product there)' })
  @IsOptional()
  @IsEnum(Environment)
  environment?: Environment;
  @Field({ nullable: true, description: 'Has a white-label engine from this vendor (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  whiteLabelVendor?: string;
  @Field(() => Boolean, { nullable: true, description: 'With product, environment or whiteLabelVendor: only rows with endpoints remaining (as reported)' })
  @IsOptional()
  @IsBoolean()
  stillRunning?: boolean;
  @Field(() => Boolean, { nullable: true, description: 'Include archived organisations (default false)' }) @IsOptional() @IsBoolean() includeArchived?: boolean;
}

@InputType({ description: 'The order of a list of organisations (ties broken by id)' })
export class OrganisationOrder {
  @Field(() => OrganisationSortField, { description: 'What to sort by' }) @IsEnum(OrganisationSortField) field: OrganisationSortField;
  @Field(() => SortDirection, { nullable: true, description: 'Default ASC' }) @IsOptional() @IsEnum(SortDirection) direction?: SortDirection;
}

@ArgsType()
export class OrganisationsArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1-500 (default 50)' }) @IsOptional() @IsInt() @Min(1) @Max(500) first?: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(500) after?: string;
  @Field(() => OrganisationFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => OrganisationFilter) filter?: OrganisationFilter;
  @Field(() => OrganisationOrder, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => OrganisationOrder) orderBy?: OrganisationOrder;
  @Field(() => ID, { nullable: true, description: 'Programme for the status filter; the default programme when omitted' })
  @IsOptional()
  @IsUUID()
  programmeId?: string;
}
