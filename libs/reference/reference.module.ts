import { Module } from '@nestjs/common';
import { AuditModule } from '@libs/audit/audit.module';
import { ReferenceService } from './reference.service';
import { SectorsService } from './sectors.service';

@Module({ imports: [AuditModule], providers: [ReferenceService, SectorsService], exports: [ReferenceService, SectorsService] })
export class ReferenceModule {}
