import { Field, GraphQLISODateTime, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsValidInstant } from '@libs/core/validation/validators';
import { CredentialRole } from '@libs/domain/vocabulary';

@InputType({ description: 'A new API credential: its role and scope' })
export class CreateCredentialInput {
  @Field(() => CredentialRole, { description: 'What it may do' })
  @IsIn(Object.values(CredentialRole), { message: 'role must be ADMIN, LIAISON, REPORTER or VIEWER' })
  role: `${CredentialRole}`;
  @Field({ description: 'Whose or what it is, for people (1 to 200 characters)' }) @IsString() @Length(1, 200) label: string;
  @Field(() => [String], { nullable: true, description: 'liaison: the sectors in scope' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @Matches(/^[A-Z_]+$/, { each: true, message: 'sectors must be sector codes' })
  sectors?: string[];
  @Field(() => ID, { nullable: true, description: 'reporter: the organisation' }) @IsOptional() @IsUUID() organisationId?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "When it stops working (the server's clock); never when omitted" })
  @IsOptional()
  @IsValidInstant()
  expiresAt?: Date;
}
