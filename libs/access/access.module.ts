import { Module } from '@nestjs/common';
import { AuditModule } from '@libs/audit/audit.module';
import { LinksModule } from '@libs/links/links.module';
import { ReferenceModule } from '@libs/reference/reference.module';
import { Authenticator } from './authenticator';
import { CredentialsService } from './credentials.service';
import { OidcService } from './oidc.service';
import { StaffSessionsService } from './staff-sessions.service';

@Module({
  imports: [AuditModule, LinksModule, ReferenceModule],
  providers: [CredentialsService, Authenticator, OidcService, StaffSessionsService],
  exports: [CredentialsService, Authenticator, OidcService, StaffSessionsService],
})
export class AccessModule {}
