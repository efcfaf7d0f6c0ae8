import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { join } from 'node:path';
import { Public } from '@libs/access/access.decorators';
import { CONTENT_TYPES, packageFile, pageFile, PUBLIC_DIR } from './page-files';

/**
 * What every page shares, at /ui/<name>: the UI library (htm's standalone build of Preact: components,
 * hooks and tagged templates in one ES module, escaping every interpolated string), Pico CSS (accessible
 * defaults, phone-sized layouts), and the pages' own helpers (GraphQL calls, forms, staff sign-in).
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'preact-htm.js': { file: packageFile('htm', 'preact/standalone.module.js'), type: CONTENT_TYPES.js },
  'pico.css': { file: packageFile('@picocss/pico', 'css/pico.min.css'), type: CONTENT_TYPES.css },
  'pages.css': { file: join(PUBLIC_DIR, 'ui/pages.css'), type: CONTENT_TYPES.css },
  'graphql.js': { file: join(PUBLIC_DIR, 'ui/graphql.js'), type: CONTENT_TYPES.js },
  'sign-in.js': { file: join(PUBLIC_DIR, 'ui/sign-in.js'), type: CONTENT_TYPES.js },
};

@Public()
@ApiExcludeController()
@Controller('ui')
export class UiAssetsController {
  @Get(':asset')
  asset(@Param('asset') name: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException();
    reply.header('content-type', asset.type).header('cache-control', 'public, max-age=300').header('x-content-type-options', 'nosniff');
    return pageFile(asset.file);
  }
}
