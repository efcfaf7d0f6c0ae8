import { ChangesModule } from '../changes/changes.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { StatusModule } from '../status/status.module';
import { ExtensionEntity } from '../data/entities/extension.entity';
import { MilestoneEntity } from '../data/entities/milestone.entity';
import { MilestonesService } from './milestones.service';

@Module({
  imports: [ChangesModule, TypeOrmModule.forFeature([MilestoneEntity, ExtensionEntity]), AuditModule, OrganisationsModule, ProgrammesModule, StatusModule],
  providers: [MilestonesService],
  exports: [MilestonesService],
})
export class MilestonesModule {}
