import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
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

@ObjectType('StatusReason', { description: 'One reason for an organisation\'s status' })
export class StatusReasonModel {
  @Field(() => StatusReasonCode, { description: 'The reason' }) code: `${StatusReasonCode}`;
  @Field({ description: 'The reason for people' }) message: string;
  @Field(() => String, { nullable: true, description: 'The milestone it is about, if one' }) milestoneKey?: string;
  @Field(() => Track, { nullable: true, description: 'That milestone\'s track' }) track?: Track;
}

@ObjectType('OrganisationStatusResult', { description: 'An organisation\'s status at an instant, with the reasons for it' })
export class OrganisationStatusModel {
  @Field(() => OrganisationStatusEnum, { description: 'The status' }) status: OrganisationStatusEnum;
  @Field(() => [StatusReasonModel], { description: 'Why, most important first' }) reasons: StatusReasonModel[];
  @Field(() => GraphQLISODateTime, { description: 'The instant the status was derived at' }) asOf: Date;
}

@ObjectType('Organisation', { description: 'A critical-infrastructure organisation: its sectors, state, contacts, footprint, milestones and derived status' })
export class OrganisationModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field({ description: 'Stable key from the sector\'s own records: imports match on it' }) externalKey: string;
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
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was archived (it stays in the history, out of lists and figures)' }) archivedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Last time counts or milestone states were reported' }) lastReportedAt: Date | null;
  @Field(() => GraphQLISODateTime, { description: 'When it was onboarded' }) createdAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'When it last changed' }) updatedAt: Date;
  @Field(() => Int, { description: 'Row version: send it back with an update; a stale one is a CONFLICT' }) version: number;
}
