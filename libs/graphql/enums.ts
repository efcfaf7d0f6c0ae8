import { registerEnumType } from '@nestjs/graphql';

export enum SizeBand { SMALL = 'SMALL', MEDIUM = 'MEDIUM', LARGE = 'LARGE', VERY_LARGE = 'VERY_LARGE' }
export enum ContactRole { PRIMARY = 'PRIMARY', EXECUTIVE = 'EXECUTIVE', SECURITY_LEAD = 'SECURITY_LEAD', OTHER = 'OTHER' }
export enum Environment { IT = 'IT', OT = 'OT', CLOUD = 'CLOUD', MAIL_GATEWAY = 'MAIL_GATEWAY', CONSUMER_DEVICES = 'CONSUMER_DEVICES', OTHER = 'OTHER' }
export enum UpdateChannel { DIRECT = 'DIRECT', SECURITY_CENTER = 'SECURITY_CENTER', OFFLINE = 'OFFLINE', UNKNOWN = 'UNKNOWN' }
export enum WhiteLabelConfidence { CONFIRMED = 'CONFIRMED', SUSPECTED = 'SUSPECTED', UNKNOWN = 'UNKNOWN' }
export enum Track { IT = 'IT', OT = 'OT' }
export enum MilestoneStateEnum { NOT_STARTED = 'NOT_STARTED', IN_PROGRESS = 'IN_PROGRESS', DONE = 'DONE', BLOCKED = 'BLOCKED' }
export enum ExtensionStateEnum { REQUESTED = 'REQUESTED', GRANTED = 'GRANTED', DENIED = 'DENIED' }
export enum OrganisationStatusEnum { COMPLETE = 'COMPLETE', ON_TRACK = 'ON_TRACK', AT_RISK = 'AT_RISK', OVERDUE = 'OVERDUE', NOT_REPORTING = 'NOT_REPORTING' }
export enum OrganisationSortField { NAME = 'NAME', CREATED_AT = 'CREATED_AT', UPDATED_AT = 'UPDATED_AT', CRITICALITY = 'CRITICALITY' }
export enum SortDirection { ASC = 'ASC', DESC = 'DESC' }

registerEnumType(SizeBand, { name: 'SizeBand' });
registerEnumType(ContactRole, { name: 'ContactRole', description: 'PRIMARY gets level-1 reminders; EXECUTIVE and SECURITY_LEAD join at level 2' });
registerEnumType(Environment, { name: 'Environment', description: 'OT covers OT/ICS; CONSUMER_DEVICES are consumer devices used for work' });
registerEnumType(UpdateChannel, { name: 'UpdateChannel', description: 'How the deployment receives updates: direct from Kaspersky, via Kaspersky Security Center, or offline/air-gapped' });
registerEnumType(WhiteLabelConfidence, { name: 'WhiteLabelConfidence' });
registerEnumType(Track, { name: 'Track', description: 'OT environments migrate on their own track, in maintenance windows' });
registerEnumType(MilestoneStateEnum, { name: 'MilestoneState' });
registerEnumType(ExtensionStateEnum, { name: 'ExtensionState' });
registerEnumType(OrganisationStatusEnum, { name: 'OrganisationStatus' });
registerEnumType(OrganisationSortField, { name: 'OrganisationSortField' });
registerEnumType(SortDirection, { name: 'SortDirection' });
