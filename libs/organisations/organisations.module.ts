import { ChangesModule } from '../changes/changes.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MilestoneEntity } from '../data/entities/milestone.entity';
import { MilestonePlanService } from '../data/milestone-plan.repository';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ReferenceModule } from '../reference/reference.module';
import { StatusModule } from '../status/status.module';
import { ContactEntity } from '../data/entities/contact.entity';
import { OrganisationEntity } from '../data/entities/organisation.entity';
import { OrganisationsService } from './organisations.service';

@Module({
  imports: [ChangesModule, TypeOrmModule.forFeature([OrganisationEntity, ContactEntity, MilestoneEntity]), AuditModule, ReferenceModule, ProgrammesModule, StatusModule],
  providers: [OrganisationsService, MilestonePlanService],
  exports: [OrganisationsService, MilestonePlanService],
})
export class OrganisationsModule {}
