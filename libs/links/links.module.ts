import { Module } from '@nestjs/common';
import { AuditModule } from '@libs/audit/audit.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { LinkTokens } from './link-tokens';
import { LinksService } from './links.service';

/** Links in messages: signing (the worker writes them), opening and sessions (the API), invitations and rotation (staff). */
@Module({ imports: [AuditModule, ProgrammesModule], providers: [LinkTokens, LinksService], exports: [LinkTokens, LinksService] })
export class LinksModule {}
