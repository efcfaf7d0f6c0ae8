import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';
import { IsString, Length, Matches } from 'class-validator';
import { IsValidInstant } from '@libs/core/validation/validators';

@InputType({ description: 'A sector passes to another Sector Risk Management Agency from an instant on; before it, the agency it had' })
export class ChangeSectorAgencyInput {
  @Field({ description: 'The sector code, e.g. WATER' }) @Matches(/^[A-Z_]{1,60}$/, { message: 'code must be a sector code such as ENERGY' }) code: string;
  @Field({ description: 'The agency from `from` on' }) @IsString() @Length(1, 120) srma: string;
  @Field(() => GraphQLISODateTime, { description: 'The first instant the new agency holds the sector' }) @IsValidInstant() from: Date;
}
