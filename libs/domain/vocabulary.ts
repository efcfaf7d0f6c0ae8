/**
 * The closed sets of the tracker, once. GraphQL registers these enums (libs/graphql/enums.ts), the
 * entities type their columns with the string unions below, and the CSV checks list their values.
 */
export enum SizeBand {
  SMALL = 'SMALL',
  MEDIUM = 'MEDIUM',
  LARGE = 'LARGE',
  VERY_LARGE = 'VERY_LARGE',
}
export enum ContactRole {
  PRIMARY = 'PRIMARY',
  EXECUTIVE = 'EXECUTIVE',
  SECURITY_LEAD = 'SECURITY_LEAD',
  OTHER = 'OTHER',
}
export enum Environment {
  IT = 'IT',
  OT = 'OT',
  CLOUD = 'CLOUD',
  MAIL_GATEWAY = 'MAIL_GATEWAY',
  CONSUMER_DEVICES = 'CONSUMER_DEVICES',
  OTHER = 'OTHER',
}
export enum UpdateChannel {
  DIRECT = 'DIRECT',
  SECURITY_CENTER = 'SECURITY_CENTER',
  OFFLINE = 'OFFLINE',
  UNKNOWN = 'UNKNOWN',
}
export enum WhiteLabelConfidence {
  CONFIRMED = 'CONFIRMED',
  SUSPECTED = 'SUSPECTED',
  UNKNOWN = 'UNKNOWN',
}
export enum Track {
  IT = 'IT',
  OT = 'OT',
}
export enum MilestoneStateEnum {
  NOT_STARTED = 'NOT_STARTED',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
  BLOCKED = 'BLOCKED',
}
export enum ExtensionStateEnum {
  REQUESTED = 'REQUESTED',
  GRANTED = 'GRANTED',
  DENIED = 'DENIED',
}
export enum OrganisationStatusEnum {
  COMPLETE = 'COMPLETE',
  ON_TRACK = 'ON_TRACK',
  AT_RISK = 'AT_RISK',
  OVERDUE = 'OVERDUE',
  NOT_REPORTING = 'NOT_REPORTING',
}
export enum OrganisationSortField {
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
  CRITICALITY = 'CRITICALITY',
}
export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
export enum BreakdownDimension {
  SECTOR = 'SECTOR',
  SRMA = 'SRMA',
  STATE = 'STATE',
  REGION = 'REGION',
  ENVIRONMENT = 'ENVIRONMENT',
  PRODUCT = 'PRODUCT',
  WHITE_LABEL_VENDOR = 'WHITE_LABEL_VENDOR',
}
/** What needs a liaison on the work page (libs/data/work-queue.repository.ts says precisely when each holds). */
export enum WorkItemKind {
  AWAITING_VERIFICATION = 'AWAITING_VERIFICATION',
  EXTENSION_REQUEST = 'EXTENSION_REQUEST',
  STALE_REPORT = 'STALE_REPORT',
  NO_REACHABLE_CONTACT = 'NO_REACHABLE_CONTACT',
  FAILED_DELIVERY = 'FAILED_DELIVERY',
}
/** Who is calling: a credential (bearer token) or a session opened by a link in a message. */
export enum CallerKind {
  CREDENTIAL = 'CREDENTIAL',
  LINK = 'LINK',
}
export enum EscalationContactKind {
  SECTOR_LIAISON = 'SECTOR_LIAISON',
  SRMA = 'SRMA',
  CISA_REGION = 'CISA_REGION',
}
export enum ProductKind {
  CATALOGUE = 'CATALOGUE',
  WHITE_LABEL = 'WHITE_LABEL',
  OTHER = 'OTHER',
}
/** A credential's role; stored (and written into the audit) in lower case. */
export enum CredentialRole {
  ADMIN = 'admin',
  LIAISON = 'liaison',
  REPORTER = 'reporter',
  VIEWER = 'viewer',
}
/** Where a reminder delivery is in the outbox: PENDING → ENQUEUED → SENDING → SENT, or FAILED / CANCELLED. */
export enum DeliveryState {
  PENDING = 'PENDING',
  ENQUEUED = 'ENQUEUED',
  SENDING = 'SENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
export enum ReminderChannel {
  EMAIL = 'EMAIL',
  WEBHOOK = 'WEBHOOK',
}
/**
 * What kind of stage a reminder belongs to. The stage's key itself is not a closed set: countdown
 * stages are the programme's ladder (`T-90`, `T-7`, `T-0`), overdue stages count on (`OVERDUE-3`), and a
 * message about milestones before the first stage is keyed by the set of them (`MILESTONES:<8 hex>`); a
 * digest is `DIGEST:` and its stage's key.
 */
export enum ReminderStageKind {
  COUNTDOWN = 'COUNTDOWN',
  OVERDUE = 'OVERDUE',
  MILESTONES = 'MILESTONES',
  DIGEST = 'DIGEST',
}
export function reminderStageKind(stageKey: string): ReminderStageKind {
  if (stageKey.startsWith('DIGEST:')) return ReminderStageKind.DIGEST;
  if (stageKey.startsWith('OVERDUE-')) return ReminderStageKind.OVERDUE;
  if (stageKey.startsWith('MILESTONES:')) return ReminderStageKind.MILESTONES;
  return ReminderStageKind.COUNTDOWN;
}
/** Why an organisation has its status (derive-status.ts). */
export enum StatusReasonCode {
  REMOVAL_VERIFIED = 'REMOVAL_VERIFIED',
  NONE_FOUND = 'NONE_FOUND',
  PAST_CUTOFF = 'PAST_CUTOFF',
  MILESTONE_OVERDUE = 'MILESTONE_OVERDUE',
  NO_REPORT = 'NO_REPORT',
  STALE_REPORT = 'STALE_REPORT',
  MILESTONE_BLOCKED = 'MILESTONE_BLOCKED',
  MILESTONE_DUE_SOON = 'MILESTONE_DUE_SOON',
  MOST_ENDPOINTS_REMAIN = 'MOST_ENDPOINTS_REMAIN',
  AWAITING_VERIFICATION = 'AWAITING_VERIFICATION',
  UNDER_EXTENSION = 'UNDER_EXTENSION',
  EXTENSION_LAPSED = 'EXTENSION_LAPSED',
  EXTENSION_REPORT_MISSING = 'EXTENSION_REPORT_MISSING',
  WAITING_FOR_WINDOW = 'WAITING_FOR_WINDOW',
  REPLACEMENT_NOT_CERTIFIED = 'REPLACEMENT_NOT_CERTIFIED',
}
/** What adds to an organisation's risk score (risk-score.ts). */
export enum RiskReasonCode {
  SHARE_REMAINING = 'SHARE_REMAINING',
  OVERDUE_MILESTONES = 'OVERDUE_MILESTONES',
  OT_FOOTPRINT = 'OT_FOOTPRINT',
  STALE_REPORT = 'STALE_REPORT',
  SECTOR_CRITICALITY = 'SECTOR_CRITICALITY',
  PAST_CUTOFF = 'PAST_CUTOFF',
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
export type StatusReasonCodeValue = `${StatusReasonCode}`;
export type RiskReasonCodeValue = `${RiskReasonCode}`;
