import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MilestoneEntity } from '../milestones/milestone.entity';
import { MilestonePlanService } from '../milestones/milestone-plan.service';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ReferenceModule } from '../reference/reference.module';
import { StatusModule } from '../status/status.module';
import { ContactEntity } from './contact.entity';
import { OrganisationEntity } from './organisation.entity';
import { OrganisationsResolver } from './organisations.resolver';
import { OrganisationsService } from './organisations.service';

@Module({
  imports: [TypeOrmModule.forFeature([OrganisationEntity, ContactEntity, MilestoneEntity]), AuditModule, ReferenceModule, ProgrammesModule, StatusModule],
  providers: [OrganisationsService, MilestonePlanService, OrganisationsResolver],
  exports: [OrganisationsService, MilestonePlanService],
})
export class OrganisationsModule {}
