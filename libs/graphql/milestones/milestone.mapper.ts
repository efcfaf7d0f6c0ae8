import { ExtensionStateEnum, MilestoneStateEnum, Track } from '../enums';
import { ExtensionEntity } from '@libs/data/entities/extension.entity';
import { MilestoneEntity } from '@libs/data/entities/milestone.entity';
import { ExtensionModel, MilestoneModel } from './milestone.model';
import { toMaintenanceWindowModel } from '../footprint/maintenance-window.model';

export const toMilestoneModel = (e: MilestoneEntity): MilestoneModel => ({
  id: e.id,
  organisationId: e.organisationId,
  programmeId: e.programmeId,
  key: e.key,
  track: e.track as Track,
  name: e.name,
  position: e.position,
  originalTargetAt: e.originalTargetAt,
  targetAt: e.targetAt,
  state: e.state as MilestoneStateEnum,
  blockedReason: e.blockedReason,
  evidence: e.evidence,
  reportedBy: e.reportedBy,
  reportedAt: e.reportedAt,
  verified: e.verifiedAt !== null,
  verifiedBy: e.verifiedBy,
  verifiedAt: e.verifiedAt,
  extensionId: e.extensionId ?? null,
  extensionExpiresAt: e.extensionExpiresAt ?? null,
  extensionLapsesTo: e.extensionLapsesTo ?? null,
  extensionReportedAt: e.extensionReportedAt ?? null,
  maintenanceWindowFootprintId: e.maintenanceWindowFootprintId ?? null,
  version: e.version,
});

export const toExtensionModel = (e: ExtensionEntity): ExtensionModel => ({
  id: e.id,
  organisationId: e.organisationId,
  milestoneId: e.milestoneId,
  justification: e.justification,
  requestedTargetAt: e.requestedTargetAt,
  state: e.state as ExtensionStateEnum,
  requestedBy: e.requestedBy,
  requestedAt: e.requestedAt,
  decidedBy: e.decidedBy,
  decidedAt: e.decidedAt,
  decisionNote: e.decisionNote,
  grantedTargetAt: e.grantedTargetAt,
  expiresAt: e.expiresAt,
  previousTargetAt: e.previousTargetAt ?? null,
  statusReportedAt: e.statusReportedAt ?? null,
  statusReportedBy: e.statusReportedBy ?? null,
  statusReport: e.statusReport ?? null,
  maintenanceWindow: toMaintenanceWindowModel(e.maintenanceWindowFootprintId ?? null, e.windowStartsAt ?? null, e.windowEndsAt ?? null, e.windowName ?? null),
  version: e.version,
});
