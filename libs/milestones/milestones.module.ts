import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { StatusModule } from '../status/status.module';
import { ExtensionEntity } from './extension.entity';
import { MilestoneEntity } from './milestone.entity';
import { MilestonesResolver } from './milestones.resolver';
import { MilestonesService } from './milestones.service';

@Module({
  imports: [TypeOrmModule.forFeature([MilestoneEntity, ExtensionEntity]), AuditModule, OrganisationsModule, ProgrammesModule, StatusModule],
  providers: [MilestonesService, MilestonesResolver],
  exports: [MilestonesService],
})
export class MilestonesModule {}
