import { ChangesModule } from '@libs/changes/changes.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@libs/audit/audit.module';
import { MilestoneEntity } from '@libs/data/entities/milestone.entity';
import { MilestonePlanService } from '@libs/data/milestone-plan.repository';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { ReferenceModule } from '@libs/reference/reference.module';
import { StatusModule } from '@libs/status/status.module';
import { ContactEntity } from '@libs/data/entities/contact.entity';
import { OrganisationEntity } from '@libs/data/entities/organisation.entity';
import { OrganisationsService } from './organisations.service';

@Module({
  imports: [
    ChangesModule,
    TypeOrmModule.forFeature([OrganisationEntity, ContactEntity, MilestoneEntity]),
    AuditModule,
    ReferenceModule,
    ProgrammesModule,
    StatusModule,
  ],
  providers: [OrganisationsService, MilestonePlanService],
  exports: [OrganisationsService, MilestonePlanService],
})
export class OrganisationsModule {}
