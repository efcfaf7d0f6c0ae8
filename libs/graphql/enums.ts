import { registerEnumType } from '@nestjs/graphql';
import {
  CallerKind,
  ContactRole,
  CredentialRole,
  DeliveryState,
  Environment,
  EscalationContactKind,
  ProductKind,
  ExtensionStateEnum,
  MilestoneStateEnum,
  OrganisationSortField,
  OrganisationStatusEnum,
  ReminderChannel,
  ReminderStageKind,
  RiskReasonCode,
  SizeBand,
  SortDirection,
  StatusReasonCode,
  Track,
  UpdateChannel,
  WhiteLabelConfidence,
} from '@libs/domain/vocabulary';

/** The vocabulary's enums as GraphQL types; imported by the GraphQL module before the schema is built. */
registerEnumType(SizeBand, { name: 'SizeBand', description: 'How large an organisation is' });
registerEnumType(ContactRole, { name: 'ContactRole', description: 'PRIMARY gets level-1 reminders; EXECUTIVE and SECURITY_LEAD join at level 2' });
registerEnumType(Environment, { name: 'Environment', description: 'OT covers OT/ICS; CONSUMER_DEVICES are consumer devices used for work' });
registerEnumType(UpdateChannel, {
  name: 'UpdateChannel',
  description: 'How the deployment receives updates: direct from the vendor, via its management console, or offline/air-gapped',
});
registerEnumType(WhiteLabelConfidence, { name: 'WhiteLabelConfidence', description: 'How sure it is that a third-party product embeds the engine' });
registerEnumType(Track, { name: 'Track', description: 'OT environments migrate on their own track, in maintenance windows' });
registerEnumType(MilestoneStateEnum, { name: 'MilestoneState', description: 'Where a milestone stands, as reported (verification is apart)' });
registerEnumType(ExtensionStateEnum, { name: 'ExtensionState', description: 'REQUESTED, then GRANTED or DENIED by a liaison' });
registerEnumType(OrganisationStatusEnum, {
  name: 'OrganisationStatus',
  description: "An organisation's derived status (libs/domain/status/derive-status.ts): COMPLETE, OVERDUE, NOT_REPORTING, AT_RISK or ON_TRACK",
});
registerEnumType(OrganisationSortField, { name: 'OrganisationSortField', description: 'What a list of organisations is sorted by' });
registerEnumType(SortDirection, { name: 'SortDirection', description: 'Ascending or descending' });
registerEnumType(EscalationContactKind, {
  name: 'EscalationContactKind',
  description: 'SECTOR_LIAISON hears at level 3; an SRMA contact and a CISA regional lead at level 4',
});
registerEnumType(ProductKind, {
  name: 'ProductKind',
  description:
    "CATALOGUE: a product of the programme's catalogue · WHITE_LABEL: its engine inside a third-party product · OTHER: a product named by the organisation",
});
registerEnumType(CallerKind, { name: 'CallerKind', description: 'CREDENTIAL: a bearer token · LINK: a session opened by a link in a message' });
registerEnumType(CredentialRole, { name: 'CredentialRole', description: 'What a credential may do (README, "Who may do what")' });
registerEnumType(DeliveryState, {
  name: 'DeliveryState',
  description:
    'Where a reminder delivery is in the outbox: PENDING → ENQUEUED → SENDING → SENT, or FAILED after its retries, or CANCELLED (the facts changed, or the organisation completed)',
});
registerEnumType(ReminderChannel, { name: 'ReminderChannel', description: 'EMAIL over SMTP, or a signed JSON WEBHOOK (Standard Webhooks)' });
registerEnumType(ReminderStageKind, {
  name: 'ReminderStageKind',
  description:
    "COUNTDOWN: a stage of the ladder before the cutoff (T-90 … T-0) · OVERDUE: every overdueEveryDays after it · MILESTONES: milestones due or overdue before the first stage · DIGEST: a liaison's, SRMA's or regional lead's digest of lagging organisations at a stage",
});
registerEnumType(StatusReasonCode, { name: 'StatusReasonCode', description: 'Why an organisation has its status (libs/domain/status/derive-status.ts)' });
registerEnumType(RiskReasonCode, {
  name: 'RiskReasonCode',
  description: "What adds points to an organisation's risk score (libs/domain/status/risk-score.ts)",
});

export {
  CallerKind,
  ContactRole,
  CredentialRole,
  DeliveryState,
  Environment,
  EscalationContactKind,
  ProductKind,
  ExtensionStateEnum,
  MilestoneStateEnum,
  OrganisationStatusEnum,
  ReminderChannel,
  ReminderStageKind,
  RiskReasonCode,
  SizeBand,
  StatusReasonCode,
  Track,
  UpdateChannel,
  WhiteLabelConfidence,
};
