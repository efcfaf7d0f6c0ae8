import { Args, GraphQLISODateTime, ID, Info, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { AtRiskService } from '@libs/dashboard/at-risk.service';
import type { Loaders } from '../loaders';
import { attachChildren, selects, wantedChildren } from '../prefetch';
import { forwardPageInfo } from '../page-info.model';
import { Allow } from '@libs/access/access.decorators';
import type { Actor } from '@libs/domain/actor';
import { AppError } from '@libs/core/errors/app-error';
import { CurrentActor, RequestLoaders } from '../context';
import { toOrganisationModel } from '../organisations/organisation.mapper';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { DashboardService } from '@libs/dashboard/dashboard.service';
import { AtRiskConnectionModel, BreakdownDimension, BreakdownRowModel, BurndownModel, ProgrammeSummaryModel, ReminderFigureModel } from './dashboard.model';

@Resolver()
export class DashboardResolver {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly atRiskPages: AtRiskService,
    private readonly programmes: ProgrammesService,
  ) {}

  /** The programme a call means: the one it names, else the default, chosen here at the edge. */
  private async programmeId(id?: string): Promise<string> {
    return (await this.programmes.resolve(id)).id;
  }

  @Allow('admin', 'liaison', 'viewer')
  @Query(() => ProgrammeSummaryModel, { description: 'Organisations by status, endpoints, milestones, extensions and the countdown, in your scope' })
  async programmeSummary(@CurrentActor() actor: Actor, @Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string) {
    return this.dashboard.summary(actor, await this.programmeId(programmeId));
  }

  @Allow('admin', 'liaison', 'viewer')
  @Query(() => [BreakdownRowModel], {
    description:
      'The summary broken down by sector, SRMA, state, CISA region, environment, product or white-label vendor (an organisation with two products is in both rows)',
  })
  async breakdown(
    @CurrentActor() actor: Actor,
    @Args('by', { type: () => BreakdownDimension }) by: BreakdownDimension,
    @Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string,
  ) {
    return this.dashboard.breakdown(actor, by, await this.programmeId(programmeId));
  }

  @Allow('admin', 'liaison', 'viewer')
  @Query(() => BurndownModel, { description: 'Endpoints remaining and organisations not done per day, with a projected finish' })
  async burndown(
    @CurrentActor() actor: Actor,
    @Args('days', { type: () => Int, nullable: true, description: 'Default 90' }) days?: number,
    @Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string,
  ) {
    return this.dashboard.burndown(actor, await this.programmeId(programmeId), days ?? 90);
  }

  @Allow('admin', 'liaison')
  @Query(() => AtRiskConnectionModel, { description: 'Organisations not complete, ranked by risk score with its reasons' })
  async atRisk(
    @CurrentActor() actor: Actor,
    @RequestLoaders() loaders: Loaders,
    @Info() info: GraphQLResolveInfo,
    @Args('first', { type: () => Int, nullable: true, description: 'Default 25, at most 200' }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string,
  ): Promise<AtRiskConnectionModel> {
    const nesting = await wantedChildren(
      info,
      [
        ['edges', 'AtRiskConnection'],
        ['node', 'AtRiskEdge'],
        ['organisation', 'AtRiskEntry'],
      ],
      loaders,
    );
    const total = selects(info, 'AtRiskConnection', 'totalCount');
    const page = await this.atRiskPages.page(actor, await this.programmeId(programmeId), { first, after, total, nested: nesting?.wanted });
    return {
      totalCount: page.totalCount ?? 0,
      edges: page.entries.map((e) => {
        const organisation = toOrganisationModel(e.organisation);
        return {
          cursor: e.cursor,
          node: {
            riskScore: e.riskScore,
            reasons: e.reasons,
            status: e.status,
            organisation: nesting ? attachChildren(organisation, loaders, nesting, e.children) : organisation,
          },
        };
      }),
      pageInfo: forwardPageInfo(
        page.entries.map((e) => e.cursor),
        after,
        page.hasNextPage,
      ),
    };
  }

  @Allow('admin', 'liaison', 'viewer')
  @Query(() => [ReminderFigureModel], { description: 'Reminders sent, failed and acknowledged per level and per day' })
  reminderFigures(@CurrentActor() actor: Actor, @Args('days', { type: () => Int, nullable: true, description: 'Default 30' }) days?: number) {
    return this.dashboard.reminderFigures(actor, days ?? 30);
  }

  @Allow('admin')
  @Mutation(() => Int, { description: "Write today's daily snapshot now (the worker does it hourly)" })
  async takeDashboardSnapshot(): Promise<number> {
    let n = 0;
    for (const programme of await this.programmes.list()) n += await this.dashboard.takeSnapshot(programme);
    return n;
  }

  @Allow('admin')
  @Mutation(() => Int, { description: 'Rebuild daily snapshots for days without one, from the audit history' })
  async backfillSnapshots(
    @Args('from', { type: () => GraphQLISODateTime }) from: Date,
    @Args('to', { type: () => GraphQLISODateTime }) to: Date,
  ): Promise<number> {
    if (to.getTime() < from.getTime()) throw AppError.badInput('to', 'must not be before from');
    if (to.getTime() - from.getTime() > 400 * 86_400_000) throw AppError.badInput('to', 'a backfill covers at most 400 days');
    let n = 0;
    for (const programme of await this.programmes.list()) n += await this.dashboard.backfill(programme, from, to);
    return n;
  }
}
