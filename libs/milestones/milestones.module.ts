import { ChangesModule } from '@libs/changes/changes.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@libs/audit/audit.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { StatusModule } from '@libs/status/status.module';
import { ExtensionEntity } from '@libs/data/entities/extension.entity';
import { MilestoneEntity } from '@libs/data/entities/milestone.entity';
import { MilestonesService } from './milestones.service';

@Module({
  imports: [ChangesModule, TypeOrmModule.forFeature([MilestoneEntity, ExtensionEntity]), AuditModule, OrganisationsModule, ProgrammesModule, StatusModule],
  providers: [MilestonesService],
  exports: [MilestonesService],
})
export class MilestonesModule {}
