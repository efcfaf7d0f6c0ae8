import { BreakdownDimension } from '../../domain/vocabulary';
import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MilestoneStateEnum, OrganisationStatusEnum, RiskReasonCode } from '../enums';
import { OrganisationModel } from '../organisations/organisation.model';
import { PageInfoModel } from '../page-info.model';
import { LocalDateScalar } from '../json.scalar';

registerEnumType(BreakdownDimension, { name: 'BreakdownDimension' });

export { BreakdownDimension };

const SUPPRESSION_NOTE = 'null for a viewer when it covers fewer than 5 organisations, or would give such a figure away (complementary suppression)';

@ObjectType('StatusCount')
export class StatusCountModel {
  @Field(() => OrganisationStatusEnum) status: OrganisationStatusEnum;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisations: number | null;
}

@ObjectType('MilestoneStateCount')
export class MilestoneStateCountModel {
  @Field(() => MilestoneStateEnum) state: `${MilestoneStateEnum}`;
  @Field(() => Int) milestones: number;
}

@ObjectType('ProgrammeSummary')
export class ProgrammeSummaryModel {
  @Field(() => ID) programmeId: string;
  @Field(() => GraphQLISODateTime) updatesCutoff: Date;
  @Field(() => Float, { description: 'Days to the cutoff; negative once past it' }) daysToCutoff: number;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisations: number | null;
  @Field(() => [StatusCountModel]) byStatus: StatusCountModel[];
  @Field(() => Float, { nullable: true }) endpointsTotal: number | null;
  @Field(() => Float, { nullable: true }) endpointsRemaining: number | null;
  @Field(() => Float, { nullable: true, description: "Share of endpoints no longer running the programme's product, 0-1" }) shareRemoved: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of organisations whose removal a liaison verified, 0-1' }) shareVerified: number | null;
  @Field(() => [MilestoneStateCountModel]) milestonesByState: MilestoneStateCountModel[];
  @Field(() => Int, { nullable: true }) milestonesOverdue: number | null;
  @Field(() => Int, { nullable: true }) extensionsOpen: number | null;
  @Field(() => Int, { nullable: true }) extensionsGranted: number | null;
  @Field(() => GraphQLISODateTime, { description: 'When the figures were derived (status rollups refresh on every write and hourly)' }) asOf: Date;
}

@ObjectType('BreakdownRow')
export class BreakdownRowModel {
  @Field() key: string;
  @Field() label: string;
  @Field({ description: 'True when a viewer sees this row without figures: fewer than 5 organisations, or hidden with such a row' }) suppressed: boolean;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisations: number | null;
  @Field(() => [StatusCountModel]) byStatus: StatusCountModel[];
  @Field(() => Float, { nullable: true }) endpointsTotal: number | null;
  @Field(() => Float, { nullable: true }) endpointsRemaining: number | null;
  @Field(() => Float, { nullable: true }) shareRemoved: number | null;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) verified: number | null;
}

@ObjectType('BurndownPoint')
export class BurndownPointModel {
  @Field(() => LocalDateScalar, { description: 'The day of the daily snapshot' }) day: string;
  @Field(() => Float, { nullable: true, description: 'null for a viewer on a day with fewer than 5 organisations' }) endpointsRemaining: number | null;
  @Field(() => Float, { nullable: true, description: 'null for a viewer on a day with fewer than 5 organisations' }) endpointsTotal: number | null;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisationsNotDone: number | null;
}

@ObjectType('Burndown')
export class BurndownModel {
  @Field(() => [BurndownPointModel]) points: BurndownPointModel[];
  @Field(() => Float, { nullable: true, description: 'Endpoints removed per day over the last 14 days (least squares)' }) pacePerDay: number | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'The day nothing would remain at that pace; null if the pace is not positive' }) projectedFinish: string | null;
}

@ObjectType('RiskReason')
export class RiskReasonModel {
  @Field(() => RiskReasonCode) code: `${RiskReasonCode}`;
  @Field(() => Int) points: number;
  @Field() message: string;
}

@ObjectType('AtRiskEntry')
export class AtRiskEntryModel {
  @Field(() => Int) riskScore: number;
  @Field(() => [RiskReasonModel]) reasons: RiskReasonModel[];
  @Field(() => OrganisationStatusEnum) status: OrganisationStatusEnum;
  @Field(() => OrganisationModel) organisation: OrganisationModel;
}

@ObjectType('AtRiskEdge')
export class AtRiskEdgeModel {
  @Field() cursor: string;
  @Field(() => AtRiskEntryModel) node: AtRiskEntryModel;
}

@ObjectType('AtRiskConnection')
export class AtRiskConnectionModel {
  @Field(() => Int, { description: 'All organisations not complete in your scope, not just this page' }) totalCount: number;
  @Field(() => [AtRiskEdgeModel]) edges: AtRiskEdgeModel[];
  @Field(() => PageInfoModel) pageInfo: PageInfoModel;
}

@ObjectType('ReminderFigure')
export class ReminderFigureModel {
  @Field(() => LocalDateScalar, { description: 'The day (UTC) the messages were sent or acknowledged' }) day: string;
  @Field(() => Int) level: number;
  @Field(() => Int, { nullable: true, description: 'null for a viewer when 1 to 4' }) sent: number | null;
  @Field(() => Int, { nullable: true, description: 'null for a viewer when 1 to 4' }) failed: number | null;
  @Field(() => Int, { nullable: true, description: 'null for a viewer when 1 to 4' }) acknowledged: number | null;
}
