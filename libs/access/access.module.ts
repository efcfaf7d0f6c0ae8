import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LinksModule } from '../links/links.module';
import { ReferenceModule } from '../reference/reference.module';
import { Authenticator } from './authenticator';
import { CredentialsService } from './credentials.service';

@Module({ imports: [AuditModule, LinksModule, ReferenceModule], providers: [CredentialsService, Authenticator], exports: [CredentialsService, Authenticator] })
export class AccessModule {}
