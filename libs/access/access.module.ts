import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ReferenceModule } from '../reference/reference.module';
import { CredentialsService } from './credentials.service';

@Module({ imports: [AuditModule, ReferenceModule], providers: [CredentialsService], exports: [CredentialsService] })
export class AccessModule {}
