import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ContactRole, OrganisationStatusEnum, SizeBand, StatusReasonCode, Track } from '../enums';
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
  @Field(() => StatusReasonCode) code: `${StatusReasonCode}`;
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
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Last time counts or milestone states were reported' }) lastReportedAt: Date | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime) updatedAt: Date;
  @Field(() => Int, { description: 'Row version: send it back with an update; a stale one is a CONFLICT' }) version: number;
}
