import { Module } from '@nestjs/common';
import { AccessModule } from '@libs/access/access.module';
import { DashboardModule } from '@libs/dashboard/dashboard.module';
import { ImportsModule } from '@libs/imports/imports.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { DashboardPageController } from './pages/dashboard-page.controller';
import { ExportController } from './export.controller';
import { UiAssetsController } from './pages/ui-assets.controller';
import { LinkPagesController } from './pages/link-pages.controller';
import { SignInController } from './pages/sign-in.controller';
import { ReportPageController } from './pages/report-page.controller';
import { LinksModule } from '@libs/links/links.module';
import { ImportController } from './import.controller';
import { WorkPageController } from './pages/work-page.controller';

/** The REST edge: the dashboard and work pages, CSV exports and CSV imports. */
@Module({
  imports: [AccessModule, DashboardModule, LinksModule, ImportsModule, OrganisationsModule, ProgrammesModule],
  controllers: [
    DashboardPageController,
    WorkPageController,
    UiAssetsController,
    LinkPagesController,
    SignInController,
    ReportPageController,
    ExportController,
    ImportController,
  ],
})
export class HttpModule {}
