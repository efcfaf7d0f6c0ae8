import { InitialSchema1795300000000 } from './1795300000000-InitialSchema';
import { ApiCredentials1795300000001 } from './1795300000001-ApiCredentials';
import { Reminders1795300000002 } from './1795300000002-Reminders';
import { SimulatedTime1795300000003 } from './1795300000003-SimulatedTime';
import { DashboardRollups1795300000004 } from './1795300000004-DashboardRollups';
import { Imports1795300000005 } from './1795300000005-Imports';
import { DropUnusedMilestoneIndex1795300000006 } from './1795300000006-DropUnusedMilestoneIndex';
import { TimeOrderedIds1795300000007 } from './1795300000007-TimeOrderedIds';
import { ProgrammeReferencesPerStatement1795300000008 } from './1795300000008-ProgrammeReferencesPerStatement';
import { AtRiskOrder1795300000020 } from './1795300000020-AtRiskOrder';
import { OrganisationReferencesPerStatement1795300000021 } from './1795300000021-OrganisationReferencesPerStatement';
import { OrganisationRoomForHotUpdates1795300000022 } from './1795300000022-OrganisationRoomForHotUpdates';
import { OrganisationReferencesFinalForm1795300000023 } from './1795300000023-OrganisationReferencesFinalForm';
import { ProgrammeAsData1795300000024 } from './1795300000024-ProgrammeAsData';
import { EscalationCannotBeSilenced1795300000025 } from './1795300000025-EscalationCannotBeSilenced';
import { WebhookSecretPerReceiver1795300000026 } from './1795300000026-WebhookSecretPerReceiver';
import { PlannerWorksIncrementally1795300000027 } from './1795300000027-PlannerWorksIncrementally';
import { DashboardCells1795300000028 } from './1795300000028-DashboardCells';
import { CredentialChangesAnnounced1795300000029 } from './1795300000029-CredentialChangesAnnounced';
import { ExtensionsThatCount1795300000030 } from './1795300000030-ExtensionsThatCount';
import { PlannerMarksPassTheCells1795300000031 } from './1795300000031-PlannerMarksPassTheCells';
import { LinksForRecipients1795300000032 } from './1795300000032-LinksForRecipients';
import { ProductsReportedAndVerified1795300000040 } from './1795300000040-ProductsReportedAndVerified';
import { ReferenceDataAtTheInstant1795300000045 } from './1795300000045-ReferenceDataAtTheInstant';
import { OtMaintenanceWindows1795300000046 } from './1795300000046-OtMaintenanceWindows';
import { SrmaContactsByAgency1795300000047 } from './1795300000047-SrmaContactsByAgency';
import { WorkQueueFailedDeliveries1795300000055 } from './1795300000055-WorkQueueFailedDeliveries';
import { StaffSessions1795300000060 } from './1795300000060-StaffSessions';
import { PlannerMarksInATableOfTheirOwn1795300000061 } from './1795300000061-PlannerMarksInATableOfTheirOwn';
import { DashboardCellsByState1795300000062 } from './1795300000062-DashboardCellsByState';

/** Every migration, in order. A migration is never edited after it lands: add a new one. */
export const MIGRATIONS = [
  InitialSchema1795300000000,
  ApiCredentials1795300000001,
  Reminders1795300000002,
  SimulatedTime1795300000003,
  DashboardRollups1795300000004,
  Imports1795300000005,
  DropUnusedMilestoneIndex1795300000006,
  TimeOrderedIds1795300000007,
  ProgrammeReferencesPerStatement1795300000008,
  AtRiskOrder1795300000020,
  OrganisationReferencesPerStatement1795300000021,
  OrganisationRoomForHotUpdates1795300000022,
  OrganisationReferencesFinalForm1795300000023,
  ProgrammeAsData1795300000024,
  EscalationCannotBeSilenced1795300000025,
  WebhookSecretPerReceiver1795300000026,
  PlannerWorksIncrementally1795300000027,
  DashboardCells1795300000028,
  CredentialChangesAnnounced1795300000029,
  ExtensionsThatCount1795300000030,
  PlannerMarksPassTheCells1795300000031,
  LinksForRecipients1795300000032,
  ProductsReportedAndVerified1795300000040,
  ReferenceDataAtTheInstant1795300000045,
  OtMaintenanceWindows1795300000046,
  SrmaContactsByAgency1795300000047,
  WorkQueueFailedDeliveries1795300000055,
  StaffSessions1795300000060,
  PlannerMarksInATableOfTheirOwn1795300000061,
  DashboardCellsByState1795300000062,
];
