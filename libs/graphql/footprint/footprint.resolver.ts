import { Allow } from '@libs/access/access.decorators';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { Actor } from '@libs/domain/actor';
import { CurrentActor } from '../context';
import { VersionedIdInput } from '@libs/organisations/dto/organisation.input';
import { AddFootprintInput, UpdateFootprintInput, VerifyFootprintInput } from '@libs/footprint/dto/footprint.input';
import { toFootprintModel } from './footprint.mapper';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { FootprintService } from '@libs/footprint/footprint.service';
import { FootprintModel } from './footprint.model';

@Resolver(() => FootprintModel)
export class FootprintResolver {
  constructor(
    private readonly footprint: FootprintService,
    private readonly programmes: ProgrammesService,
  ) {}

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => FootprintModel, { description: "Add a deployment of the programme's product to an organisation" })
  async addFootprint(@CurrentActor() actor: Actor, @Args('input') input: AddFootprintInput): Promise<FootprintModel> {
    return toFootprintModel(await this.footprint.add(actor, Object.assign(input, { programmeId: (await this.programmes.resolve(input.programmeId)).id })));
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => FootprintModel, { description: 'Change a footprint row' })
  async updateFootprint(@CurrentActor() actor: Actor, @Args('input') input: UpdateFootprintInput): Promise<FootprintModel> {
    return toFootprintModel(await this.footprint.update(actor, input));
  }

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => FootprintModel, { description: 'Removes a footprint row entered in error; the audit trail keeps it' })
  async removeFootprint(@CurrentActor() actor: Actor, @Args('input') input: VersionedIdInput): Promise<FootprintModel> {
    return toFootprintModel(await this.footprint.remove(actor, input));
  }

  @Allow('admin', 'liaison')
  @Mutation(() => FootprintModel, {
    description: "Records a liaison's verified remaining count on a row (who and when), beside the reported count; not a report",
  })
  async verifyFootprint(@CurrentActor() actor: Actor, @Args('input') input: VerifyFootprintInput): Promise<FootprintModel> {
    return toFootprintModel(await this.footprint.verify(actor, input));
  }
}
