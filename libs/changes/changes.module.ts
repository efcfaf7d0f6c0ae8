import { Module } from '@nestjs/common';
import { StatusModule } from '@libs/status/status.module';
import { OrganisationChange } from './organisation-change.service';

/** The one change path (OrganisationChange), for every feature that writes an organisation's facts. */
@Module({ imports: [StatusModule], providers: [OrganisationChange], exports: [OrganisationChange] })
export class ChangesModule {}
