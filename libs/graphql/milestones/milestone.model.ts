import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ExtensionStateEnum, MilestoneStateEnum, Track } from '../enums';
import { MaintenanceWindowModel } from '../footprint/maintenance-window.model';

export enum ExtensionStandingEnum {
  NONE = 'NONE',
  EXTENDED = 'EXTENDED',
  LAPSED = 'LAPSED',
}
registerEnumType(ExtensionStandingEnum, {
  name: 'ExtensionStanding',
  description:
    'NONE: never extended · EXTENDED: a granted extension holds, judged against the extended target · LAPSED: it expired, judged against the target before it',
});

@ObjectType('Milestone', { description: "One step of an organisation's migration on one track (IT or OT), with its target, state, evidence and verification" })
export class MilestoneModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field(() => ID, { description: 'The organisation' }) organisationId: string;
  @Field(() => ID, { description: 'The programme whose plan it is part of' }) programmeId: string;
  @Field({ description: "The plan step's key (e.g. INVENTORY_COMPLETE)" }) key: string;
  @Field(() => Track, { description: 'IT, or OT (maintenance windows, certified replacements)' }) track: Track;
  @Field({ description: "The plan step's name" }) name: string;
  @Field(() => Int, { description: 'Its place in the plan, from 0' }) position: number;
  @Field(() => GraphQLISODateTime, { description: 'The target the plan gave it, before any change or extension' }) originalTargetAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'Current target, after any granted extension' }) targetAt: Date;
  @Field(() => MilestoneStateEnum, { description: 'As reported' }) state: MilestoneStateEnum;
  @Field(() => String, { nullable: true, description: 'Why it is blocked (when BLOCKED)' }) blockedReason: string | null;
  @Field(() => String, {
    nullable: true,
    description: "Evidence of the work (a reference, a ticket, which product replaced the programme's product and whether the organisation chose it)",
  })
  evidence: string | null;
  @Field(() => String, { nullable: true, description: 'Who last reported on it' }) reportedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the organisation last reported on it' }) reportedAt: Date | null;
  @Field({ description: 'Whether a liaison verified the reported state' }) verified: boolean;
  @Field(() => String, { nullable: true, description: 'Who verified it' }) verifiedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When a liaison verified it' }) verifiedAt: Date | null;
  @Field(() => ID, { nullable: true, description: 'The granted extension in force (or lapsed): the latest grant' }) extensionId: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the extension in force lapses' }) extensionExpiresAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The target before the extensions: judged against it again once they lapse' })
  extensionLapsesTo: Date | null;
  /** @internal the grant or the last status report, for extensionReportDueAt */
  extensionReportedAt: Date | null;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' }) version: number;
  @Field(() => ID, {
    nullable: true,
    description: "OT only: the deployment (footprint row) whose maintenance window this milestone targets; its target is the window's end",
  })
  maintenanceWindowFootprintId: string | null;
}

@ObjectType('Extension', {
  description: "A request to judge a milestone against a later target, and the liaison's decision (after the FCC's rip-and-replace extensions)",
})
export class ExtensionModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field(() => ID, { description: 'The organisation' }) organisationId: string;
  @Field(() => ID, { description: 'The milestone it extends' }) milestoneId: string;
  @Field({ description: 'Why it is asked for' }) justification: string;
  @Field(() => GraphQLISODateTime, { description: 'The target asked for' }) requestedTargetAt: Date;
  @Field(() => ExtensionStateEnum, { description: 'Requested, granted or denied' }) state: ExtensionStateEnum;
  @Field({ description: 'Who requested it' }) requestedBy: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was requested' }) requestedAt: Date;
  @Field(() => String, { nullable: true, description: 'The approver' }) decidedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was granted or denied' }) decidedAt: Date | null;
  @Field(() => String, { nullable: true, description: "The liaison's note on the decision" }) decisionNote: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The target granted (the requested one unless the liaison chose another)' })
  grantedTargetAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it lapses: the milestone is judged against its target before the extension again' })
  expiresAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The target the grant extended' }) previousTargetAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The last status report on it' }) statusReportedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Who made it' }) statusReportedBy: string | null;
  @Field(() => String, { nullable: true, description: 'The last status report on it, while extended' }) statusReport: string | null;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' }) version: number;
  @Field(() => MaintenanceWindowModel, { nullable: true, description: 'The OT maintenance window the request waits for, as it was when cited' })
  maintenanceWindow: MaintenanceWindowModel | null;
}
