import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ExtensionStateEnum, MilestoneStateEnum, Track } from '../enums';

export enum ExtensionStandingEnum {
  NONE = 'NONE',
  EXTENDED = 'EXTENDED',
  LAPSED = 'LAPSED',
}
registerEnumType(ExtensionStandingEnum, {
  name: 'ExtensionStanding',
  description: 'NONE: never extended · EXTENDED: a granted extension holds, judged against the extended target · LAPSED: it expired, judged against the target before it',
});

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
  @Field(() => ID, { nullable: true, description: 'The granted extension in force (or lapsed): the latest grant' }) extensionId: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the extension in force lapses' }) extensionExpiresAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The target before the extensions: judged against it again once they lapse' }) extensionLapsesTo: Date | null;
  /** @internal the grant or the last status report, for extensionReportDueAt */
  extensionReportedAt: Date | null;
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
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it lapses: the milestone is judged against its target before the extension again' }) expiresAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The target the grant extended' }) previousTargetAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The last status report on it' }) statusReportedAt: Date | null;
  @Field(() => String, { nullable: true }) statusReportedBy: string | null;
  @Field(() => String, { nullable: true }) statusReport: string | null;
  @Field(() => Int) version: number;
}
