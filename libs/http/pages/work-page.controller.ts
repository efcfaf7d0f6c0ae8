import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { join } from 'node:path';
import { Public } from '@libs/access/access.decorators';
import { CONTENT_TYPES, PAGE_CSP, pageFile, PUBLIC_DIR } from './page-files';

const PAGE_DIR = join(PUBLIC_DIR, 'work');

const ASSETS: Record<string, { file: string; type: string }> = {
  'work.js': { file: join(PAGE_DIR, 'work.js'), type: CONTENT_TYPES.js },
  'work.css': { file: join(PAGE_DIR, 'work.css'), type: CONTENT_TYPES.css },
};

/**
 * A liaison's work page: what needs them in their sectors, oldest first, each with its action. Static
 * files, public; every item and every action comes from the GraphQL API with the staff member's own
 * credential (workQueue, verifyMilestone, grantExtension, denyExtension, sendContactLink).
 */
@Public()
@Controller('work')
export class WorkPageController {
  @Get()
  @Header('content-type', CONTENT_TYPES.html)
  @Header('content-security-policy', PAGE_CSP)
  page(): string {
    return pageFile(join(PAGE_DIR, 'index.html'));
  }

  @Get(':asset')
  asset(@Param('asset') name: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException();
    reply.header('content-type', asset.type).header('cache-control', 'public, max-age=300').header('x-content-type-options', 'nosniff');
    return pageFile(asset.file);
  }
}
