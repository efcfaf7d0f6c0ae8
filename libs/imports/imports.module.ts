import { ChangesModule } from '../changes/changes.module';
import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuditModule } from '../audit/audit.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { StatusModule } from '../status/status.module';
import { ImportService } from './import.service';

@Module({
  imports: [ChangesModule, AccessModule, AuditModule, OrganisationsModule, ProgrammesModule, StatusModule],
  providers: [ImportService],
  exports: [ImportService],
})
export class ImportsModule {}
