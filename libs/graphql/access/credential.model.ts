import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { CredentialRole } from '../enums';

@ObjectType('Credential', { description: 'An API credential; its token is shown once, at creation' })
export class CredentialModel {
  @Field(() => ID) id: string;
  @Field() label: string;
  @Field(() => CredentialRole) role: `${CredentialRole}`;
  @Field(() => [String]) sectors: string[];
  @Field(() => ID, { nullable: true }) organisationId: string | null;
  @Field({ description: 'The first characters of the token, to recognise it' }) tokenPrefix: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) revokedAt: Date | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field() createdBy: string;
}

@ObjectType('NewCredential')
export class NewCredentialModel {
  @Field(() => CredentialModel) credential: CredentialModel;
  @Field({ description: 'The bearer token. It is not stored and cannot be shown again.' }) token: string;
}
