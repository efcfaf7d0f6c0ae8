import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { join } from 'node:path';
import { Public } from '@libs/access/access.decorators';
import { CONTENT_TYPES, PAGE_CSP, pageFile, PUBLIC_DIR } from './page-files';

const DIR = join(PUBLIC_DIR, 'report');

/**
 * The self-report page a link opens (issue 17): static files; who may see and change what is decided by
 * the GraphQL API, with the session the link opened (its cookie and CSRF token), as for any reporter.
 */
@Public()
@ApiExcludeController()
@Controller('report')
export class ReportPageController {
  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): string {
    reply
      .header('content-type', CONTENT_TYPES.html)
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'same-origin');
    return pageFile(join(DIR, 'index.html'));
  }

  @Get(':asset')
  asset(@Param('asset') name: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    if (name !== 'report.js') throw new NotFoundException();
    reply.header('content-type', CONTENT_TYPES.js).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
    return pageFile(join(DIR, name));
  }
}
