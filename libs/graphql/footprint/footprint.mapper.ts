import { Environment, UpdateChannel, WhiteLabelConfidence } from '../enums';
import { FootprintEntity } from '@libs/data/entities/footprint.entity';
import { FootprintModel } from './footprint.model';
import { toMaintenanceWindowModel } from './maintenance-window.model';

export const toFootprintModel = (e: FootprintEntity): FootprintModel => ({
  id: e.id,
  organisationId: e.organisationId,
  programmeId: e.programmeId,
  productCode: e.productCode,
  productName: e.productName,
  vendor: e.vendor,
  whiteLabelConfidence: e.whiteLabelConfidence as WhiteLabelConfidence | null,
  environment: e.environment as Environment,
  endpointCount: e.endpointCount,
  endpointsRemaining: e.endpointsRemaining,
  updateChannel: e.updateChannel as UpdateChannel,
  licenceEnd: e.licenceEnd,
  replacementProduct: e.replacementProduct,
  replacementChosenByOrganisation: e.replacementChosenByOrganisation,
  verifiedRemaining: e.verifiedRemaining,
  verifiedBy: e.verifiedBy,
  verifiedAt: e.verifiedAt,
  maintenanceWindow: toMaintenanceWindowModel(e.id, e.maintenanceWindowStartsAt ?? null, e.maintenanceWindowEndsAt ?? null, e.maintenanceWindowName ?? null),
  replacementVendorCertified: e.replacementVendorCertified ?? null,
  replacementCertificationRef: e.replacementCertificationRef ?? null,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
  version: e.version,
});
