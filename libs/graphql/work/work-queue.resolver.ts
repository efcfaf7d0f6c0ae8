import { Args, ID, Info, Int, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Allow } from '@libs/access/access.decorators';
import { WorkQueueService } from '@libs/dashboard/work-queue.service';
import type { Actor } from '@libs/domain/actor';
import type { ReminderPayload } from '@libs/domain/reminders/reminder-payload';
import { renderReminder } from '@libs/domain/reminders/templates';
import { WorkItemKind } from '@libs/domain/vocabulary';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { CurrentActor, RequestLoaders } from '../context';
import { OrganisationStatusEnum } from '../enums';
import type { Loaders } from '../loaders';
import { toExtensionModel, toMilestoneModel } from '../milestones/milestone.mapper';
import { toContactModel, toOrganisationModel } from '../organisations/organisation.mapper';
import { attachChildren, selects, wantedChildren } from '../prefetch';
import { WorkQueueModel } from './work-queue.model';

@Resolver()
export class WorkQueueResolver {
  constructor(
    private readonly work: WorkQueueService,
    private readonly programmes: ProgrammesService,
  ) {}

  @Allow('admin', 'liaison')
  @Query(() => WorkQueueModel, {
    description:
      'What needs you in your sectors, oldest first: milestones to verify, extension requests to decide, stale reports, organisations no reminder can reach, reminders that failed',
  })
  async workQueue(
    @CurrentActor() actor: Actor,
    @RequestLoaders() loaders: Loaders,
    @Info() info: GraphQLResolveInfo,
    @Args('first', { type: () => Int, nullable: true, description: 'Default 25, at most 200' }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('kinds', { type: () => [WorkItemKind], nullable: true, description: 'Only these kinds (default: all)' }) kinds?: WorkItemKind[],
    @Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string,
  ): Promise<WorkQueueModel> {
    const programme = await this.programmes.resolve(programmeId);
    const nesting = await wantedChildren(
      info,
      [
        ['items', 'WorkQueue'],
        ['organisation', 'WorkItem'],
      ],
      loaders,
    );
    const counts = selects(info, 'WorkQueue', 'totalCount') || selects(info, 'WorkQueue', 'counts');
    const page = await this.work.page(actor, programme, { first, after, kinds, counts, nested: nesting?.wanted });
    return {
      endCursor: page.endCursor,
      hasNextPage: page.hasNextPage,
      totalCount: page.counts?.reduce((n, c) => n + c.count, 0) ?? 0,
      counts: page.counts ?? [],
      items: page.items.map((item) => {
        const organisation = toOrganisationModel(item.organisation);
        return {
          kind: item.kind,
          since: item.since,
          cursor: item.cursor,
          status: item.status as OrganisationStatusEnum,
          organisation: nesting ? attachChildren(organisation, loaders, nesting, item.children) : organisation,
          milestone: item.milestone ? toMilestoneModel(item.milestone) : null,
          extension: item.extension ? toExtensionModel(item.extension) : null,
          contact: item.contact ? toContactModel(item.contact) : null,
          delivery: item.delivery
            ? {
                id: item.delivery.id,
                channel: item.delivery.channel,
                recipient: item.delivery.recipient,
                recipientName: item.delivery.recipientName,
                stage: item.delivery.stage,
                level: item.delivery.level,
                attempts: item.delivery.attempts,
                lastError: item.delivery.lastError,
                dueAt: item.delivery.dueAt,
                subject: renderReminder(item.delivery.payload as ReminderPayload, item.delivery.timeZone).subject,
              }
            : null,
        };
      }),
    };
  }
}
