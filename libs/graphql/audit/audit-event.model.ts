import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../json.scalar';

@ObjectType('AuditEvent', { description: 'An immutable record of one change: who, when, what, the fields before and after' })
export class AuditEventModel {
  @Field(() => ID) id: string;
  @Field(() => GraphQLISODateTime) occurredAt: Date;
  @Field({ description: 'The acting credential' }) actor: string;
  @Field() actorRole: string;
  @Field() entityType: string;
  @Field() entityId: string;
  @Field() action: string;
  @Field(() => JSONScalar, { nullable: true }) before: unknown;
  @Field(() => JSONScalar, { nullable: true }) after: unknown;
  @Field(() => String, { nullable: true }) importId: string | null;
}
