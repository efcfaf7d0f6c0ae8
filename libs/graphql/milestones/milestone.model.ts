import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ExtensionStateEnum, MilestoneStateEnum, Track } from '../enums';

@ObjectType('Milestone')
export class MilestoneModel {
  @Field(() => ID) id: string;
  @Field(() => ID) organisationId: string;
  @Field(() => ID) programmeId: string;
  @Field() key: string;
  @Field(() => Track) track: Track;
  @Field() name: string;
  @Field(() => Int) position: number;
  @Field(() => GraphQLISODateTime) originalTargetAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'Current target, after any granted extension' }) targetAt: Date;
  @Field(() => MilestoneStateEnum, { description: 'As reported' }) state: MilestoneStateEnum;
  @Field(() => String, { nullable: true }) blockedReason: string | null;
  @Field(() => String, { nullable: true }) evidence: string | null;
  @Field(() => String, { nullable: true }) reportedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) reportedAt: Date | null;
  @Field({ description: 'Whether a liaison verified the reported state' }) verified: boolean;
  @Field(() => String, { nullable: true }) verifiedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) verifiedAt: Date | null;
  @Field(() => Int) version: number;
}

@ObjectType('Extension')
export class ExtensionModel {
  @Field(() => ID) id: string;
  @Field(() => ID) organisationId: string;
  @Field(() => ID) milestoneId: string;
  @Field() justification: string;
  @Field(() => GraphQLISODateTime) requestedTargetAt: Date;
  @Field(() => ExtensionStateEnum) state: ExtensionStateEnum;
  @Field() requestedBy: string;
  @Field(() => GraphQLISODateTime) requestedAt: Date;
  @Field(() => String, { nullable: true, description: 'The approver' }) decidedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) decidedAt: Date | null;
  @Field(() => String, { nullable: true }) decisionNote: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) grantedTargetAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt: Date | null;
  @Field(() => Int) version: number;
}
