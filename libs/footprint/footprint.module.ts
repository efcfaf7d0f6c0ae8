import { ChangesModule } from '../changes/changes.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ReferenceModule } from '../reference/reference.module';
import { StatusModule } from '../status/status.module';
import { FootprintEntity } from '../data/entities/footprint.entity';
import { FootprintService } from './footprint.service';

@Module({
  imports: [ChangesModule, TypeOrmModule.forFeature([FootprintEntity]), AuditModule, OrganisationsModule, ProgrammesModule, ReferenceModule, StatusModule],
  providers: [FootprintService],
  exports: [FootprintService],
})
export class FootprintModule {}
