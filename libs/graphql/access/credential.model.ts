import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { CredentialRole } from '../enums';

@ObjectType('Credential', { description: 'An API credential; its token is shown once, at creation' })
export class CredentialModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field({ description: 'Whose or what it is, for people' }) label: string;
  @Field(() => CredentialRole, { description: 'What it may do' }) role: `${CredentialRole}`;
  @Field(() => [String], { description: "A liaison's sectors (codes); empty for other roles" }) sectors: string[];
  @Field(() => ID, { nullable: true, description: "A reporter's organisation" }) organisationId: string | null;
  @Field({ description: 'The first characters of the token, to recognise it' }) tokenPrefix: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it stops working; null: never' }) expiresAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was revoked; null while it works' }) revokedAt: Date | null;
  @Field(() => GraphQLISODateTime, { description: 'When it was created' }) createdAt: Date;
  @Field({ description: 'Who created it (credential:<id> or system:cli)' }) createdBy: string;
}

@ObjectType('NewCredential', { description: 'A credential just created and its token, shown this once' })
export class NewCredentialModel {
  @Field(() => CredentialModel, { description: 'The credential' }) credential: CredentialModel;
  @Field({ description: 'The bearer token. It is not stored and cannot be shown again.' }) token: string;
}
