import { Allow } from '@libs/access/access.decorators';
import { Args, GraphQLISODateTime, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Clock } from '@libs/core/clock/clock';
import { extensionStanding, judgedTarget, statusReportDueAt } from '@libs/domain/extension-rules';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import type { Actor } from '@libs/domain/actor';
import { CurrentActor } from '../context';
import { VersionedIdInput } from '@libs/organisations/dto/organisation.input';
import {
  DenyExtensionInput,
  ExtensionStatusReportInput,
  GrantExtensionInput,
  RequestExtensionInput,
  UpdateMilestoneInput,
} from '@libs/milestones/dto/milestone.input';
import { toExtensionModel, toMilestoneModel } from './milestone.mapper';
import { MilestonesService } from '@libs/milestones/milestones.service';
import { ExtensionModel, ExtensionStandingEnum, MilestoneModel } from './milestone.model';

@Resolver(() => MilestoneModel)
export class MilestonesResolver {
  constructor(
    private readonly milestones: MilestonesService,
    private readonly clock: Clock,
    private readonly programmes: ProgrammesService,
  ) {}

  @ResolveField(() => ExtensionStandingEnum, { description: 'Whether a granted extension holds now, or lapsed' })
  extensionStanding(@Parent() m: MilestoneModel): ExtensionStandingEnum {
    return extensionStanding(m, this.clock.now().getTime()) as ExtensionStandingEnum;
  }

  @ResolveField(() => GraphQLISODateTime, {
    description: 'The target the status judges it against now: the extended one while its extension holds, the one before it once it lapses',
  })
  judgedTargetAt(@Parent() m: MilestoneModel): Date {
    return judgedTarget(m, this.clock.now().getTime());
  }

  @ResolveField(() => GraphQLISODateTime, {
    nullable: true,
    description: "When the next status report on its extension is due (the programme's statusReportEveryDays); null when none is",
  })
  async extensionReportDueAt(@Parent() m: MilestoneModel): Promise<Date | null> {
    if (!m.extensionReportedAt) return null;
    const programme = await this.programmes.get(m.programmeId);
    return statusReportDueAt(m, this.clock.now().getTime(), programme.rules.extensions);
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => MilestoneModel, { description: "Report a milestone's state or evidence; liaisons may also move its target" })
  async updateMilestone(@CurrentActor() actor: Actor, @Args('input') input: UpdateMilestoneInput): Promise<MilestoneModel> {
    return toMilestoneModel(await this.milestones.update(actor, input));
  }

  @Allow('admin', 'liaison')
  @Mutation(() => MilestoneModel, { description: 'A liaison confirms a milestone reported DONE' })
  async verifyMilestone(@CurrentActor() actor: Actor, @Args('input') input: VersionedIdInput): Promise<MilestoneModel> {
    return toMilestoneModel(await this.milestones.verify(actor, input));
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => ExtensionModel, { description: 'Ask for a milestone to be judged against a later target' })
  async requestExtension(@CurrentActor() actor: Actor, @Args('input') input: RequestExtensionInput): Promise<ExtensionModel> {
    return toExtensionModel(await this.milestones.requestExtension(actor, input));
  }

  @Allow('admin', 'liaison')
  @Mutation(() => ExtensionModel, { description: "Grants an extension and moves the milestone's target" })
  async grantExtension(@CurrentActor() actor: Actor, @Args('input') input: GrantExtensionInput): Promise<ExtensionModel> {
    return toExtensionModel(await this.milestones.grantExtension(actor, input));
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => ExtensionModel, { description: 'A status report on the extension in force, due every statusReportEveryDays of the programme while extended' })
  async reportExtensionStatus(@CurrentActor() actor: Actor, @Args('input') input: ExtensionStatusReportInput): Promise<ExtensionModel> {
    return toExtensionModel(await this.milestones.reportExtensionStatus(actor, input));
  }

  @Allow('admin', 'liaison')
  @Mutation(() => ExtensionModel, { description: 'Deny a requested extension' })
  async denyExtension(@CurrentActor() actor: Actor, @Args('input') input: DenyExtensionInput): Promise<ExtensionModel> {
    return toExtensionModel(await this.milestones.denyExtension(actor, input));
  }
}
