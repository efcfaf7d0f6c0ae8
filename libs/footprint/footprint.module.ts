import { ChangesModule } from '@libs/changes/changes.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@libs/audit/audit.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { ReferenceModule } from '@libs/reference/reference.module';
import { StatusModule } from '@libs/status/status.module';
import { FootprintEntity } from '@libs/data/entities/footprint.entity';
import { FootprintService } from './footprint.service';

@Module({
  imports: [ChangesModule, TypeOrmModule.forFeature([FootprintEntity]), AuditModule, OrganisationsModule, ProgrammesModule, ReferenceModule, StatusModule],
  providers: [FootprintService],
  exports: [FootprintService],
})
export class FootprintModule {}
