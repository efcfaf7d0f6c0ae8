import { ChangesModule } from '@libs/changes/changes.module';
import { Module } from '@nestjs/common';
import { AccessModule } from '@libs/access/access.module';
import { AuditModule } from '@libs/audit/audit.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { StatusModule } from '@libs/status/status.module';
import { ImportService } from './import.service';

@Module({
  imports: [ChangesModule, AccessModule, AuditModule, OrganisationsModule, ProgrammesModule, StatusModule],
  providers: [ImportService],
  exports: [ImportService],
})
export class ImportsModule {}
