import { Allow } from '../../access/access.decorators';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../domain/actor';
import { CurrentActor } from '../context';
import { VersionedIdInput } from '../../organisations/dto/organisation.input';
import { DenyExtensionInput, GrantExtensionInput, RequestExtensionInput, UpdateMilestoneInput } from '../../milestones/dto/milestone.input';
import { toExtensionModel, toMilestoneModel } from './milestone.mapper';
import { MilestonesService } from '../../milestones/milestones.service';
import { ExtensionModel, MilestoneModel } from './milestone.model';

@Resolver(() => MilestoneModel)
export class MilestonesResolver {
  constructor(private readonly milestones: MilestonesService) {}

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => MilestoneModel, { description: 'Report a milestone\'s state or evidence; liaisons may also move its target' })
  async updateMilestone(@CurrentActor() actor: Actor, @Args('input') input: UpdateMilestoneInput): Promise<MilestoneModel> {
    return toMilestoneModel(await this.milestones.update(actor, input));
  }

  @Allow('admin', 'liaison')
  @Mutation(() => MilestoneModel, { description: 'A liaison confirms a milestone reported DONE' })
  async verifyMilestone(@CurrentActor() actor: Actor, @Args('input') input: VersionedIdInput): Promise<MilestoneModel> {
    return toMilestoneModel(await this.milestones.verify(actor, input));
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => ExtensionModel)
  async requestExtension(@CurrentActor() actor: Actor, @Args('input') input: RequestExtensionInput): Promise<ExtensionModel> {
    return toExtensionModel(await this.milestones.requestExtension(actor, input));
  }

  @Allow('admin', 'liaison')
  @Mutation(() => ExtensionModel, { description: 'Grants an extension and moves the milestone\'s target' })
  async grantExtension(@CurrentActor() actor: Actor, @Args('input') input: GrantExtensionInput): Promise<ExtensionModel> {
    return toExtensionModel(await this.milestones.grantExtension(actor, input));
  }

  @Allow('admin', 'liaison')
  @Mutation(() => ExtensionModel)
  async denyExtension(@CurrentActor() actor: Actor, @Args('input') input: DenyExtensionInput): Promise<ExtensionModel> {
    return toExtensionModel(await this.milestones.denyExtension(actor, input));
  }
}
