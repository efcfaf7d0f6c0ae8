import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PAGE_CSP } from './page-files';
import { Public } from '@libs/access/access.decorators';
import { dashboardQueries } from '@libs/dashboard/persisted-queries';

// Works from the sources and from dist/ alike: both sit four levels below the project root.
const PAGE_DIR = resolve(__dirname, '../../../../apps/api/public/dashboard');
// chart.js exports no subpath for its browser build: find the package, then the file.
const CHART_JS = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');

const ASSETS: Record<string, { file: string; type: string }> = {
  'app.js': { file: join(PAGE_DIR, 'app.js'), type: 'text/javascript; charset=utf-8' },
  'style.css': { file: join(PAGE_DIR, 'style.css'), type: 'text/css; charset=utf-8' },
  'chart.umd.js': { file: CHART_JS, type: 'text/javascript; charset=utf-8' },
};

/** The dashboard page: static files, public; the figures come from the GraphQL API, with the viewer's token. */
@Public()
@ApiExcludeController()
@Controller('dashboard')
export class DashboardPageController {
  private readonly cache = new Map<string, string>();

  private read(file: string): string {
    let text = this.cache.get(file);
    if (text === undefined) {
      text = readFileSync(file, 'utf8');
      this.cache.set(file, text);
    }
    return text;
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', PAGE_CSP)
  page(): string {
    return this.read(join(PAGE_DIR, 'index.html'));
  }

  /** The page's persisted queries: each operation's name and the hash it sends instead of the document. */
  @Get('queries.json')
  @Header('cache-control', 'no-cache')
  queries(): Record<string, string> {
    return dashboardQueries().byName;
  }

  @Get(':asset')
  asset(@Param('asset') name: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const asset = ASSETS[name];
    if (!asset) throw new NotFoundException();
    reply.header('content-type', asset.type).header('cache-control', 'public, max-age=300');
    return this.read(asset.file);
  }
}
