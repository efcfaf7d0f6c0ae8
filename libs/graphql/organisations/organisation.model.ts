import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ContactRole, OrganisationStatusEnum, SizeBand, Track } from '../enums';
import { SectorModel, UsStateModel } from '../reference/reference.model';

@ObjectType('Contact')
export class ContactModel {
  @Field(() => ID) id: string;
  @Field(() => ContactRole) role: ContactRole;
  @Field() name: string;
  @Field() email: string;
  @Field({ description: 'IANA time zone; reminders respect its business hours' }) timeZone: string;
}

@ObjectType('StatusReason')
export class StatusReasonModel {
  @Field() code: string;
  @Field() message: string;
  @Field(() => String, { nullable: true }) milestoneKey?: string;
  @Field(() => Track, { nullable: true }) track?: Track;
}

@ObjectType('OrganisationStatusResult')
export class OrganisationStatusModel {
  @Field(() => OrganisationStatusEnum) status: OrganisationStatusEnum;
  @Field(() => [StatusReasonModel]) reasons: StatusReasonModel[];
  @Field(() => GraphQLISODateTime, { description: 'The instant the status was derived at' }) asOf: Date;
}

@ObjectType('ReportedAndVerified', { description: "What the organisation reported and what a liaison verified, side by side, with the staleness of each" })
export class ReportedAndVerifiedModel {
  @Field(() => GraphQLISODateTime, { nullable: true, description: "The organisation's own last report (a staff edit is not a report)" }) reportedAt: Date | null;
  @Field(() => Float, { nullable: true, description: 'Days since that report' }) reportAgeDays: number | null;
  @Field({ description: "No report, or older than the programme's staleReportDays" }) reportStale: boolean;
  @Field(() => Int) endpointsTotal: number;
  @Field(() => Int, { description: 'What remains as reported' }) endpointsRemainingReported: number;
  @Field(() => Int, { description: 'The endpoints of the rows a liaison verified' }) endpointsVerified: number;
  @Field(() => Int, { description: 'What remains on those rows as verified' }) endpointsRemainingVerified: number;
  @Field(() => Int, { description: 'Footprint rows never verified, or verified longer ago than staleReportDays' }) rowsUnverified: number;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The latest verification, and who made it' }) latestVerificationAt: Date | null;
  @Field(() => String, { nullable: true }) latestVerifiedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The oldest verification; null while a row has none' }) oldestVerificationAt: Date | null;
  @Field(() => Float, { nullable: true, description: 'Days since the oldest verification' }) verificationAgeDays: number | null;
  @Field({ description: 'A row is unverified or its verification is stale' }) verificationStale: boolean;
}

@ObjectType('Organisation')
export class OrganisationModel {
  @Field(() => ID) id: string;
  @Field({ description: 'Stable key from the sector\'s own records: imports match on it' }) externalKey: string;
  @Field() name: string;
  primarySectorCode: string;
  secondarySectorCodes: string[];
  stateCode: string;
  // Looked up from the codes above by the plain resolvers of ../reference/reference-fields.ts, not by Nest's.
  @Field(() => SectorModel) primarySector?: SectorModel;
  @Field(() => UsStateModel) state?: UsStateModel;
  @Field(() => Int, { description: 'CISA region, from the state' }) region?: number;
  @Field(() => SizeBand) sizeBand: SizeBand;
  @Field(() => Int, { description: '1 is the most critical, 4 the least' }) criticalityTier: number;
  @Field(() => GraphQLISODateTime, { nullable: true }) archivedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "The organisation's own last report (reporter or link); an edit by staff does not move it" }) lastReportedAt: Date | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime) updatedAt: Date;
  @Field(() => Int, { description: 'Row version: send it back with an update; a stale one is a CONFLICT' }) version: number;
}
