import { Allow } from '@libs/access/access.decorators';
import { Args, GraphQLISODateTime, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { attachChildren, selects, wantedChildren } from '../prefetch';
import { forwardPageInfo } from '../page-info.model';
import type { Actor } from '@libs/domain/actor';
import { AuditEventModel } from '../audit/audit-event.model';
import { FootprintModel } from '../footprint/footprint.model';
import { toFootprintModel } from '../footprint/footprint.mapper';
import { CurrentActor, RequestLoaders } from '../context';
import { OrganisationStatusEnum, Track } from '../enums';
import type { Loaders } from '../loaders';
import { toExtensionModel, toMilestoneModel } from '../milestones/milestone.mapper';
import { ExtensionModel, MilestoneModel } from '../milestones/milestone.model';
import { SectorModel } from '../reference/reference.model';
import { ReferenceService } from '@libs/reference/reference.service';
import { StatusService } from '@libs/status/status.service';
import { CreateOrganisationInput, UpdateOrganisationInput, VersionedIdInput } from '@libs/organisations/dto/organisation.input';
import { OrganisationsArgs } from '@libs/organisations/dto/organisations.args';
import { ContactModel, OrganisationModel, OrganisationStatusModel, ReportedAndVerifiedModel } from './organisation.model';
import { freshness, reportedAndVerified } from '@libs/domain/report-rules';
import { OrganisationConnectionModel } from './organisation-connection.model';
import { toContactModel, toOrganisationModel } from './organisation.mapper';
import { OrganisationsService } from '@libs/organisations/organisations.service';
import { ProgrammesService } from '@libs/programmes/programmes.service';

@Resolver(() => OrganisationModel)
export class OrganisationsResolver {
  constructor(
    private readonly service: OrganisationsService,
    private readonly reference: ReferenceService,
    private readonly statusService: StatusService,
    private readonly programmes: ProgrammesService,
  ) {}

  @Allow('admin', 'liaison')
  @Query(() => OrganisationConnectionModel, { description: 'Organisations in your scope, filtered, sorted and paginated by cursor' })
  async organisations(
    @CurrentActor() actor: Actor,
    @RequestLoaders() loaders: Loaders,
    @Info() info: GraphQLResolveInfo,
    @Args() args: OrganisationsArgs,
  ): Promise<OrganisationConnectionModel> {
    const nesting = await wantedChildren(
      info,
      [
        ['edges', 'OrganisationConnection'],
        ['node', 'OrganisationEdge'],
      ],
      loaders,
    );
    const total = selects(info, 'OrganisationConnection', 'totalCount');
    const page = await this.service.list(actor, args, (await this.programmes.resolve(args.programmeId)).id, { total, nested: nesting?.wanted });
    return {
      totalCount: page.totalCount ?? 0,
      edges: page.rows.map((r) => {
        const node = toOrganisationModel(r.organisation);
        return { cursor: r.cursor, node: nesting ? attachChildren(node, loaders, nesting, r.children) : node };
      }),
      pageInfo: forwardPageInfo(
        page.rows.map((r) => r.cursor),
        args.after,
        page.hasNextPage,
      ),
    };
  }

  @Allow('admin', 'liaison', 'reporter')
  @Query(() => OrganisationModel, { description: 'One organisation in your scope (NOT_FOUND outside it)' })
  async organisation(
    @CurrentActor() actor: Actor,
    @RequestLoaders() loaders: Loaders,
    @Info() info: GraphQLResolveInfo,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<OrganisationModel> {
    const nesting = await wantedChildren(info, [], loaders);
    if (!nesting) return toOrganisationModel(await this.service.get(actor, id));
    const { organisation, children } = await this.service.getWithRows(actor, id, nesting.wanted);
    return attachChildren(toOrganisationModel(organisation), loaders, nesting, children);
  }

  @Allow('admin', 'liaison')
  @Mutation(() => OrganisationModel, { description: 'Onboard an organisation; its milestone plan is made in each programme' })
  async createOrganisation(@CurrentActor() actor: Actor, @Args('input') input: CreateOrganisationInput): Promise<OrganisationModel> {
    const programmes = input.programmeIds?.length
      ? await Promise.all([...new Set(input.programmeIds)].map((id) => this.programmes.get(id)))
      : [await this.programmes.resolve()];
    return toOrganisationModel(await this.service.create(actor, input, programmes));
  }

  @Allow('admin', 'liaison')
  @Mutation(() => OrganisationModel, { description: 'Change an organisation' })
  async updateOrganisation(@CurrentActor() actor: Actor, @Args('input') input: UpdateOrganisationInput): Promise<OrganisationModel> {
    return toOrganisationModel(await this.service.update(actor, input));
  }

  @Allow('admin', 'liaison')
  @Mutation(() => OrganisationModel, { description: 'Archive an organisation: out of lists, figures and reminders, kept in the history' })
  async archiveOrganisation(@CurrentActor() actor: Actor, @Args('input') input: VersionedIdInput): Promise<OrganisationModel> {
    return toOrganisationModel(await this.service.archive(actor, input));
  }

  @ResolveField(() => [SectorModel], { description: 'Other sectors it belongs to' })
  async secondarySectors(@Parent() o: OrganisationModel): Promise<SectorModel[]> {
    const sectors = await Promise.all(o.secondarySectorCodes.map((code) => this.reference.sectorAt(code)));
    return sectors.filter((s): s is SectorModel => s !== undefined);
  }

  @ResolveField(() => [ContactModel], { description: 'Its contacts' })
  async contacts(@Parent() o: OrganisationModel, @RequestLoaders() loaders: Loaders): Promise<ContactModel[]> {
    return (await loaders.contacts.load(o.id)).map(toContactModel);
  }

  @ResolveField(() => [FootprintModel], { description: "Its deployments of the programme's product" })
  async footprint(
    @Parent() o: OrganisationModel,
    @RequestLoaders() loaders: Loaders,
    @Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string,
  ): Promise<FootprintModel[]> {
    const programme = await loaders.programme.load(programmeId ?? 'default');
    return (await loaders.footprint.load(`${programme.id}|${o.id}`)).map(toFootprintModel);
  }

  @ResolveField(() => [MilestoneModel], { description: 'Its migration milestones, by track and plan order' })
  async milestones(
    @Parent() o: OrganisationModel,
    @RequestLoaders() loaders: Loaders,
    @Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string,
    @Args('track', { type: () => Track, nullable: true }) track?: Track,
  ): Promise<MilestoneModel[]> {
    const programme = await loaders.programme.load(programmeId ?? 'default');
    const rows = await loaders.milestones.load(`${programme.id}|${o.id}`);
    return rows.filter((m) => !track || m.track === track).map(toMilestoneModel);
  }

  @ResolveField(() => [ExtensionModel], { description: 'Its extension requests and decisions' })
  async extensions(@Parent() o: OrganisationModel, @RequestLoaders() loaders: Loaders): Promise<ExtensionModel[]> {
    return (await loaders.extensions.load(o.id)).map(toExtensionModel);
  }

  @ResolveField(() => OrganisationStatusModel, { description: 'Derived now (or at `at`) from the footprint, milestones and last report' })
  async status(
    @Parent() o: OrganisationModel,
    @RequestLoaders() loaders: Loaders,
    @Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string,
    @Args('at', { type: () => GraphQLISODateTime, nullable: true, description: 'Evaluate at another instant, e.g. the cutoff' }) at?: Date,
  ): Promise<OrganisationStatusModel> {
    const programme = await loaders.programme.load(programmeId ?? 'default');
    const [footprint, milestones] = await Promise.all([loaders.footprint.load(`${programme.id}|${o.id}`), loaders.milestones.load(`${programme.id}|${o.id}`)]);
    const asOf = at ?? undefined;
    const result = this.statusService.evaluate(programme, { lastReportedAt: o.lastReportedAt, footprint, milestones }, asOf);
    return {
      status: result.status as OrganisationStatusEnum,
      reasons: result.reasons as OrganisationStatusModel['reasons'],
      asOf: asOf ?? this.statusService.now(),
    };
  }

  @ResolveField(() => ReportedAndVerifiedModel, {
    description: 'Reported and verified remaining counts side by side, with the staleness of each (in the programme, the default one without it)',
  })
  async reportedAndVerified(
    @Parent() o: OrganisationModel,
    @RequestLoaders() loaders: Loaders,
    @Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string,
  ): Promise<ReportedAndVerifiedModel> {
    const programme = await loaders.programme.load(programmeId ?? 'default');
    const rows = await loaders.footprint.load(`${programme.id}|${o.id}`);
    const now = this.statusService.now();
    const figures = reportedAndVerified(rows, now, programme.staleReportDays);
    const report = freshness(o.lastReportedAt, now, programme.staleReportDays);
    const latest = rows.filter((r) => r.verifiedAt).sort((a, b) => b.verifiedAt!.getTime() - a.verifiedAt!.getTime())[0];
    return {
      reportedAt: report.at,
      reportAgeDays: report.ageDays,
      reportStale: report.stale,
      endpointsTotal: figures.endpointsTotal,
      endpointsRemainingReported: figures.endpointsRemaining,
      endpointsVerified: figures.verifiedTotal,
      endpointsRemainingVerified: figures.verifiedRemaining,
      rowsUnverified: figures.rowsUnverified,
      latestVerificationAt: latest?.verifiedAt ?? null,
      latestVerifiedBy: latest?.verifiedBy ?? null,
      oldestVerificationAt: figures.oldestVerificationAt,
      verificationAgeDays: freshness(figures.oldestVerificationAt, now, programme.staleReportDays).ageDays,
      verificationStale: figures.verificationStale,
    };
  }

  @ResolveField(() => [AuditEventModel], { description: 'Change history, newest first' })
  async history(
    @Parent() o: OrganisationModel,
    @RequestLoaders() loaders: Loaders,
    @Args('first', { type: () => Int, nullable: true, description: 'Default 50, at most 500' }) first?: number,
  ): Promise<AuditEventModel[]> {
    const limit = Math.min(Math.max(first ?? 50, 1), 500);
    return loaders.history.load(`${limit}|${o.id}`);
  }
}
