import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ContactRole, OrganisationStatusEnum, SizeBand, StatusReasonCode, Track } from '../enums';
import { SectorModel, UsStateModel } from '../reference/reference.model';

@ObjectType('Contact', { description: 'A person at an organisation who hears its reminders (by role and escalation level)' })
export class ContactModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field(() => ContactRole, { description: 'Its role, which decides the escalation level at which it hears' }) role: ContactRole;
  @Field({ description: 'Full name' }) name: string;
  @Field({ description: 'E-mail address' }) email: string;
  @Field({ description: 'IANA time zone; reminders respect its business hours' }) timeZone: string;
}

@ObjectType('StatusReason', { description: "One reason for an organisation's status" })
export class StatusReasonModel {
  @Field(() => StatusReasonCode, { description: 'The reason' }) code: `${StatusReasonCode}`;
  @Field({ description: 'The reason for people' }) message: string;
  @Field(() => String, { nullable: true, description: 'The milestone it is about, if one' }) milestoneKey?: string;
  @Field(() => Track, { nullable: true, description: "That milestone's track" }) track?: Track;
}

@ObjectType('OrganisationStatusResult', { description: "An organisation's status at an instant, with the reasons for it" })
export class OrganisationStatusModel {
  @Field(() => OrganisationStatusEnum, { description: 'The status' }) status: OrganisationStatusEnum;
  @Field(() => [StatusReasonModel], { description: 'Why, most important first' }) reasons: StatusReasonModel[];
  @Field(() => GraphQLISODateTime, { description: 'The instant the status was derived at' }) asOf: Date;
}

@ObjectType('ReportedAndVerified', { description: 'What the organisation reported and what a liaison verified, side by side, with the staleness of each' })
export class ReportedAndVerifiedModel {
  @Field(() => GraphQLISODateTime, { nullable: true, description: "The organisation's own last report (a staff edit is not a report)" })
  reportedAt: Date | null;
  @Field(() => Float, { nullable: true, description: 'Days since that report' }) reportAgeDays: number | null;
  @Field({ description: "No report, or older than the programme's staleReportDays" }) reportStale: boolean;
  @Field(() => Int, { description: 'Endpoints that ran the product, over every footprint row' }) endpointsTotal: number;
  @Field(() => Int, { description: 'What remains as reported' }) endpointsRemainingReported: number;
  @Field(() => Int, { description: 'The endpoints of the rows a liaison verified' }) endpointsVerified: number;
  @Field(() => Int, { description: 'What remains on those rows as verified' }) endpointsRemainingVerified: number;
  @Field(() => Int, { description: 'Footprint rows never verified, or verified longer ago than staleReportDays' }) rowsUnverified: number;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The latest verification, and who made it' }) latestVerificationAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Who made the latest verification' }) latestVerifiedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The oldest verification; null while a row has none' }) oldestVerificationAt: Date | null;
  @Field(() => Float, { nullable: true, description: 'Days since the oldest verification' }) verificationAgeDays: number | null;
  @Field({ description: 'A row is unverified or its verification is stale' }) verificationStale: boolean;
}

@ObjectType('Organisation', { description: 'A critical-infrastructure organisation: its sectors, state, contacts, footprint, milestones and derived status' })
export class OrganisationModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field({ description: "Stable key from the sector's own records: imports match on it" }) externalKey: string;
  @Field({ description: 'Its name' }) name: string;
  primarySectorCode: string;
  secondarySectorCodes: string[];
  stateCode: string;
  // Looked up from the codes above by the plain resolvers of ../reference/reference-fields.ts, not by Nest's.
  @Field(() => SectorModel, { description: 'Its primary sector' }) primarySector?: SectorModel;
  @Field(() => UsStateModel, { description: 'Its US state or territory' }) state?: UsStateModel;
  @Field(() => Int, { description: 'CISA region, from the state' }) region?: number;
  @Field(() => SizeBand, { description: 'Its size' }) sizeBand: SizeBand;
  @Field(() => Int, { description: '1 is the most critical, 4 the least' }) criticalityTier: number;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was archived (it stays in the history, out of lists and figures)' })
  archivedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "The organisation's own last report (reporter or link); an edit by staff does not move it" })
  lastReportedAt: Date | null;
  @Field(() => GraphQLISODateTime, { description: 'When it was onboarded' }) createdAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'When it last changed' }) updatedAt: Date;
  @Field(() => Int, { description: 'Row version: send it back with an update; a stale one is a CONFLICT' }) version: number;
}
