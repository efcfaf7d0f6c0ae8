/**
 * The closed sets of the tracker, once. GraphQL registers these enums (libs/graphql/enums.ts), the
 * entities type their columns with the string unions below, and the CSV checks list their values.
 */
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
export enum BreakdownDimension { SECTOR = 'SECTOR', SRMA = 'SRMA', STATE = 'STATE', REGION = 'REGION', ENVIRONMENT = 'ENVIRONMENT', PRODUCT = 'PRODUCT', WHITE_LABEL_VENDOR = 'WHITE_LABEL_VENDOR' }
/** What needs a liaison on the work page (libs/data/work-queue.repository.ts says precisely when each holds). */
export enum WorkItemKind {
  AWAITING_VERIFICATION = 'AWAITING_VERIFICATION', EXTENSION_REQUEST = 'EXTENSION_REQUEST', STALE_REPORT = 'STALE_REPORT',
  NO_REACHABLE_CONTACT = 'NO_REACHABLE_CONTACT', FAILED_DELIVERY = 'FAILED_DELIVERY',
}

/** The values of each set as plain strings, for columns, rows and rules. */
export type SizeBandValue = `${SizeBand}`;
export type ContactRoleValue = `${ContactRole}`;
export type EnvironmentValue = `${Environment}`;
export type UpdateChannelValue = `${UpdateChannel}`;
export type WhiteLabelConfidenceValue = `${WhiteLabelConfidence}`;
export type TrackValue = `${Track}`;
export type MilestoneState = `${MilestoneStateEnum}`;
export type ExtensionState = `${ExtensionStateEnum}`;
export type OrganisationStatus = `${OrganisationStatusEnum}`;
