import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../json.scalar';

@ObjectType('AuditEvent', { description: 'An immutable record of one change: who, when, what, the fields before and after' })
export class AuditEventModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field(() => GraphQLISODateTime, { description: "When it happened (the server's clock)" }) occurredAt: Date;
  @Field({ description: 'The acting credential' }) actor: string;
  @Field({ description: "The actor's role when it acted (admin, liaison, reporter, viewer, system)" }) actorRole: string;
  @Field({ description: 'What kind of row changed (organisation, footprint, milestone, extension…)' }) entityType: string;
  @Field({ description: 'The id of the row changed' }) entityId: string;
  @Field({ description: 'What was done (create, update, verify, grant, import…)' }) action: string;
  @Field(() => JSONScalar, { nullable: true, description: 'The changed fields before the change' }) before: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'The changed fields after the change' }) after: unknown;
  @Field(() => String, { nullable: true, description: 'The CSV import that made the change, if one did' }) importId: string | null;
}
