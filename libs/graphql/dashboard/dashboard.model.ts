import { BreakdownDimension } from '@libs/domain/vocabulary';
import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MilestoneStateEnum, OrganisationStatusEnum, RiskReasonCode } from '../enums';
import { OrganisationModel } from '../organisations/organisation.model';
import { PageInfoModel } from '../page-info.model';
import { LocalDateScalar } from '../json.scalar';

registerEnumType(BreakdownDimension, {
  name: 'BreakdownDimension',
  description: 'What the summary is broken down by: sector, SRMA, US state, CISA region or footprint environment',
});

export { BreakdownDimension };

const STAFF_ONLY = 'liaisons and admins only (null for a viewer); by product, vendor, sector and SRMA, not by state, region or environment';
const SUPPRESSION_NOTE = 'null for a viewer when it covers fewer than 5 organisations, or would give such a figure away (complementary suppression)';

@ObjectType('StatusCount', { description: 'Organisations with one status' })
export class StatusCountModel {
  @Field(() => OrganisationStatusEnum, { description: 'The status' }) status: OrganisationStatusEnum;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisations: number | null;
}

@ObjectType('MilestoneStateCount', { description: 'Milestones in one state' })
export class MilestoneStateCountModel {
  @Field(() => MilestoneStateEnum, { description: 'The state' }) state: `${MilestoneStateEnum}`;
  @Field(() => Int, { description: 'How many' }) milestones: number;
}

@ObjectType('ProgrammeSummary', { description: "The programme's headline figures in your scope" })
export class ProgrammeSummaryModel {
  @Field(() => ID, { description: 'The programme' }) programmeId: string;
  @Field(() => GraphQLISODateTime, { description: "The programme's updates cutoff" }) updatesCutoff: Date;
  @Field(() => Float, { description: 'Days to the cutoff; negative once past it' }) daysToCutoff: number;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisations: number | null;
  @Field(() => [StatusCountModel], { description: 'Organisations per status' }) byStatus: StatusCountModel[];
  @Field(() => Float, {
    nullable: true,
    description: "Endpoints, servers and nodes that ran the programme's product (the footprint's endpointCount, summed); null for a viewer when suppressed",
  })
  endpointsTotal: number | null;
  @Field(() => Float, { nullable: true, description: 'Of those, the ones still running it (endpointsRemaining, summed); null for a viewer when suppressed' })
  endpointsRemaining: number | null;
  @Field(() => Float, { nullable: true, description: "Share of endpoints no longer running the programme's product, 0-1" }) shareRemoved: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of organisations whose removal a liaison verified, 0-1' }) shareVerified: number | null;
  @Field(() => [MilestoneStateCountModel], { description: 'Milestones per state' }) milestonesByState: MilestoneStateCountModel[];
  @Field(() => Int, { nullable: true, description: 'Milestones past their judged target and not done' }) milestonesOverdue: number | null;
  @Field(() => Int, { nullable: true, description: 'Extensions requested and not yet decided' }) extensionsOpen: number | null;
  @Field(() => Int, { nullable: true, description: 'Extensions granted and in force' }) extensionsGranted: number | null;
  @Field(() => Float, { nullable: true, description: `Endpoints of footprint rows a liaison verified (verifyFootprint); ${STAFF_ONLY}` }) endpointsVerified:
    number | null;
  @Field(() => Float, { nullable: true, description: `What remains on those rows as verified, beside endpointsRemaining as reported; ${STAFF_ONLY}` })
  endpointsRemainingVerified: number | null;
  @Field(() => Int, {
    nullable: true,
    description: `Organisations whose own report is missing or stale (as of their last derivation, hourly at most); ${STAFF_ONLY}`,
  })
  reportsStale: number | null;
  @Field(() => Int, { nullable: true, description: `Organisations with a footprint row unverified or verified longer ago than staleReportDays; ${STAFF_ONLY}` })
  verificationsStale: number | null;
  @Field(() => GraphQLISODateTime, { description: 'When the figures were derived (status rollups refresh on every write and hourly)' }) asOf: Date;
}

@ObjectType('BreakdownRow', { description: "The summary's figures for one sector, SRMA, state, CISA region, environment, product or white-label vendor" })
export class BreakdownRowModel {
  @Field({ description: "The dimension's value: a sector code, an SRMA, a state code, a region number or an environment" }) key: string;
  @Field({ description: 'Its name for people' }) label: string;
  @Field({ description: 'True when a viewer sees this row without figures: fewer than 5 organisations, or hidden with such a row' }) suppressed: boolean;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisations: number | null;
  @Field(() => [StatusCountModel], { description: 'Organisations per status' }) byStatus: StatusCountModel[];
  @Field(() => Float, {
    nullable: true,
    description: "Endpoints, servers and nodes that ran the programme's product (the footprint's endpointCount, summed); null for a viewer when suppressed",
  })
  endpointsTotal: number | null;
  @Field(() => Float, { nullable: true, description: 'Of those, the ones still running it (endpointsRemaining, summed); null for a viewer when suppressed' })
  endpointsRemaining: number | null;
  @Field(() => Float, { nullable: true, description: "Share of endpoints no longer running the programme's product, 0-1; null for a viewer when suppressed" })
  shareRemoved: number | null;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) verified: number | null;
  @Field(() => Float, { nullable: true, description: `Endpoints of footprint rows a liaison verified (verifyFootprint); ${STAFF_ONLY}` }) endpointsVerified:
    number | null;
  @Field(() => Float, { nullable: true, description: `What remains on those rows as verified, beside endpointsRemaining as reported; ${STAFF_ONLY}` })
  endpointsRemainingVerified: number | null;
  @Field(() => Int, {
    nullable: true,
    description: `Organisations whose own report is missing or stale (as of their last derivation, hourly at most); ${STAFF_ONLY}`,
  })
  reportsStale: number | null;
  @Field(() => Int, { nullable: true, description: `Organisations with a footprint row unverified or verified longer ago than staleReportDays; ${STAFF_ONLY}` })
  verificationsStale: number | null;
}

@ObjectType('BurndownPoint', { description: 'One day of the burn-down (from the daily snapshot)' })
export class BurndownPointModel {
  @Field(() => LocalDateScalar, { description: 'The day of the daily snapshot' }) day: string;
  @Field(() => Float, { nullable: true, description: 'null for a viewer on a day with fewer than 5 organisations' }) endpointsRemaining: number | null;
  @Field(() => Float, { nullable: true, description: 'null for a viewer on a day with fewer than 5 organisations' }) endpointsTotal: number | null;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisationsNotDone: number | null;
}

@ObjectType('Burndown', { description: 'Endpoints remaining and organisations not done per day, with the pace and a projected finish' })
export class BurndownModel {
  @Field(() => [BurndownPointModel], { description: 'One point per day, oldest first' }) points: BurndownPointModel[];
  @Field(() => Float, { nullable: true, description: 'Endpoints removed per day over the last 14 days (least squares)' }) pacePerDay: number | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'The day nothing would remain at that pace; null if the pace is not positive' })
  projectedFinish: string | null;
}

@ObjectType('RiskReason', { description: "One reason that adds points to an organisation's risk score" })
export class RiskReasonModel {
  @Field(() => RiskReasonCode, { description: 'The reason' }) code: `${RiskReasonCode}`;
  @Field(() => Int, { description: 'Points it adds' }) points: number;
  @Field({ description: 'The reason for people' }) message: string;
}

@ObjectType('AtRiskEntry', { description: 'An organisation not complete, its risk score and the reasons that add up to it' })
export class AtRiskEntryModel {
  @Field(() => Int, { description: 'Risk score 0-100 (libs/domain/status/risk-score.ts)' }) riskScore: number;
  @Field(() => [RiskReasonModel], { description: 'What adds up to the score, largest first' }) reasons: RiskReasonModel[];
  @Field(() => OrganisationStatusEnum, { description: 'Its stored status' }) status: OrganisationStatusEnum;
  @Field(() => OrganisationModel, { description: 'The organisation' }) organisation: OrganisationModel;
}

@ObjectType('AtRiskEdge', { description: 'One organisation of the at-risk list and its cursor' })
export class AtRiskEdgeModel {
  @Field({ description: 'Opaque cursor of this row: pass it as `after` for the rows after it' }) cursor: string;
  @Field(() => AtRiskEntryModel, { description: 'The organisation, its risk score and reasons' }) node: AtRiskEntryModel;
}

@ObjectType('AtRiskConnection', { description: 'Organisations not complete, highest risk score first, a page at a time (Relay cursor connection)' })
export class AtRiskConnectionModel {
  @Field(() => Int, { description: 'All organisations not complete in your scope, not just this page' }) totalCount: number;
  @Field(() => [AtRiskEdgeModel], { description: 'The rows of this page, in order, each with its cursor' }) edges: AtRiskEdgeModel[];
  @Field(() => PageInfoModel, { description: 'Where this page stands: whether rows follow, and the cursors to page on with' }) pageInfo: PageInfoModel;
}

@ObjectType('ReminderFigure', { description: 'Reminders of one escalation level on one day' })
export class ReminderFigureModel {
  @Field(() => LocalDateScalar, { description: 'The day (UTC) the messages were sent or acknowledged' }) day: string;
  @Field(() => Int, { description: 'Escalation level 1-4' }) level: number;
  @Field(() => Int, { nullable: true, description: 'null for a viewer when 1 to 4' }) sent: number | null;
  @Field(() => Int, { nullable: true, description: 'null for a viewer when 1 to 4' }) failed: number | null;
  @Field(() => Int, { nullable: true, description: 'null for a viewer when 1 to 4' }) acknowledged: number | null;
}
