import { ContactRole, SizeBand } from '../enums';
import { ContactEntity } from '@libs/data/entities/contact.entity';
import { OrganisationEntity } from '@libs/data/entities/organisation.entity';
import { ContactModel, OrganisationModel } from './organisation.model';

export const toOrganisationModel = (e: OrganisationEntity): OrganisationModel => ({
  id: e.id,
  externalKey: e.externalKey,
  name: e.name,
  primarySectorCode: e.primarySectorCode,
  secondarySectorCodes: e.secondarySectorCodes,
  stateCode: e.stateCode,
  sizeBand: e.sizeBand as SizeBand,
  criticalityTier: e.criticalityTier,
  archivedAt: e.archivedAt,
  lastReportedAt: e.lastReportedAt,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
  version: e.version,
});

export const toContactModel = (e: ContactEntity): ContactModel => ({
  id: e.id,
  role: e.role as ContactRole,
  name: e.name,
  email: e.email,
  timeZone: e.timeZone,
});
