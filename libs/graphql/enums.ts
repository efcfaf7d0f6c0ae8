import { registerEnumType } from '@nestjs/graphql';
import {
  ContactRole, Environment, ExtensionStateEnum, MilestoneStateEnum, OrganisationSortField, OrganisationStatusEnum, SizeBand, SortDirection, Track,
  UpdateChannel, WhiteLabelConfidence,
} from '../domain/vocabulary';

/** The vocabulary's enums as GraphQL types; imported by the GraphQL module before the schema is built. */
registerEnumType(SizeBand, { name: 'SizeBand' });
registerEnumType(ContactRole, { name: 'ContactRole', description: 'PRIMARY gets level-1 reminders; EXECUTIVE and SECURITY_LEAD join at level 2' });
registerEnumType(Environment, { name: 'Environment', description: 'OT covers OT/ICS; CONSUMER_DEVICES are consumer devices used for work' });
registerEnumType(UpdateChannel, { name: 'UpdateChannel', description: 'How the deployment receives updates: direct from the vendor, via its management console, or offline/air-gapped' });
registerEnumType(WhiteLabelConfidence, { name: 'WhiteLabelConfidence' });
registerEnumType(Track, { name: 'Track', description: 'OT environments migrate on their own track, in maintenance windows' });
registerEnumType(MilestoneStateEnum, { name: 'MilestoneState' });
registerEnumType(ExtensionStateEnum, { name: 'ExtensionState' });
registerEnumType(OrganisationStatusEnum, { name: 'OrganisationStatus' });
registerEnumType(OrganisationSortField, { name: 'OrganisationSortField' });
registerEnumType(SortDirection, { name: 'SortDirection' });

export {
  ContactRole, Environment, ExtensionStateEnum, MilestoneStateEnum, OrganisationStatusEnum, SizeBand, Track, UpdateChannel, WhiteLabelConfidence,
};
