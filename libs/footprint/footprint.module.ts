import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ReferenceModule } from '../reference/reference.module';
import { StatusModule } from '../status/status.module';
import { FootprintEntity } from './footprint.entity';
import { FootprintResolver } from './footprint.resolver';
import { FootprintService } from './footprint.service';

@Module({
  imports: [TypeOrmModule.forFeature([FootprintEntity]), AuditModule, OrganisationsModule, ProgrammesModule, ReferenceModule, StatusModule],
  providers: [FootprintService, FootprintResolver],
  exports: [FootprintService],
})
export class FootprintModule {}
