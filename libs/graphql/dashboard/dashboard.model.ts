import { BreakdownDimension } from '../../domain/vocabulary';
import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { OrganisationStatusEnum } from '../enums';
import { OrganisationModel } from '../organisations/organisation.model';

registerEnumType(BreakdownDimension, { name: 'BreakdownDimension' });

export { BreakdownDimension };

const STAFF_ONLY = 'liaisons and admins only (null for a viewer); by product, vendor, sector and SRMA, not by state, region or environment';
const SUPPRESSION_NOTE = 'null for a viewer when it covers fewer than 5 organisations, or would give such a figure away (complementary suppression)';

@ObjectType('StatusCount')
export class StatusCountModel {
  @Field(() => OrganisationStatusEnum) status: OrganisationStatusEnum;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisations: number | null;
}

@ObjectType('MilestoneStateCount')
export class MilestoneStateCountModel {
  @Field() state: string;
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
  @Field(() => Float, { nullable: true, description: `Endpoints of footprint rows a liaison verified (verifyFootprint); ${STAFF_ONLY}` }) endpointsVerified: number | null;
  @Field(() => Float, { nullable: true, description: `What remains on those rows as verified, beside endpointsRemaining as reported; ${STAFF_ONLY}` }) endpointsRemainingVerified: number | null;
  @Field(() => Int, { nullable: true, description: `Organisations whose own report is missing or stale (as of their last derivation, hourly at most); ${STAFF_ONLY}` }) reportsStale: number | null;
  @Field(() => Int, { nullable: true, description: `Organisations with a footprint row unverified or verified longer ago than staleReportDays; ${STAFF_ONLY}` }) verificationsStale: number | null;
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
  @Field(() => Float, { nullable: true, description: `Endpoints of footprint rows a liaison verified (verifyFootprint); ${STAFF_ONLY}` }) endpointsVerified: number | null;
  @Field(() => Float, { nullable: true, description: `What remains on those rows as verified, beside endpointsRemaining as reported; ${STAFF_ONLY}` }) endpointsRemainingVerified: number | null;
  @Field(() => Int, { nullable: true, description: `Organisations whose own report is missing or stale (as of their last derivation, hourly at most); ${STAFF_ONLY}` }) reportsStale: number | null;
  @Field(() => Int, { nullable: true, description: `Organisations with a footprint row unverified or verified longer ago than staleReportDays; ${STAFF_ONLY}` }) verificationsStale: number | null;
}

@ObjectType('BurndownPoint')
export class BurndownPointModel {
  @Field() day: string;
  @Field(() => Float, { nullable: true, description: 'null for a viewer on a day with fewer than 5 organisations' }) endpointsRemaining: number | null;
  @Field(() => Float, { nullable: true, description: 'null for a viewer on a day with fewer than 5 organisations' }) endpointsTotal: number | null;
  @Field(() => Int, { nullable: true, description: SUPPRESSION_NOTE }) organisationsNotDone: number | null;
}

@ObjectType('Burndown')
export class BurndownModel {
  @Field(() => [BurndownPointModel]) points: BurndownPointModel[];
  @Field(() => Float, { nullable: true, description: 'Endpoints removed per day over the last 14 days (least squares)' }) pacePerDay: number | null;
  @Field(() => String, { nullable: true, description: 'The day nothing would remain at that pace; null if the pace is not positive' }) projectedFinish: string | null;
}

@ObjectType('RiskReason')
export class RiskReasonModel {
  @Field() code: string;
  @Field(() => Int) points: number;
  @Field() message: string;
}

@ObjectType('AtRiskEntry')
export class AtRiskEntryModel {
  @Field(() => Int) riskScore: number;
  @Field(() => [RiskReasonModel]) reasons: RiskReasonModel[];
  @Field(() => OrganisationStatusEnum) status: OrganisationStatusEnum;
  @Field(() => OrganisationModel) organisation: OrganisationModel;
  @Field() cursor: string;
}

@ObjectType('AtRiskPage')
export class AtRiskPageModel {
  @Field(() => Int) totalCount: number;
  @Field(() => [AtRiskEntryModel]) entries: AtRiskEntryModel[];
  @Field(() => String, { nullable: true }) endCursor: string | null;
  @Field() hasNextPage: boolean;
}

@ObjectType('ReminderFigure')
export class ReminderFigureModel {
  @Field() day: string;
  @Field(() => Int) level: number;
  @Field(() => Int, { nullable: true, description: 'null for a viewer when 1 to 4' }) sent: number | null;
  @Field(() => Int, { nullable: true, description: 'null for a viewer when 1 to 4' }) failed: number | null;
  @Field(() => Int, { nullable: true, description: 'null for a viewer when 1 to 4' }) acknowledged: number | null;
}
