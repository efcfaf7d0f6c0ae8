import { Allow, Public } from '@libs/access/access.decorators';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '@libs/domain/actor';
import { CreateProgrammeInput, UpdateProgrammeInput } from '@libs/programmes/dto/programme.input';
import { CurrentActor } from '../context';
import { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { ProgrammeModel } from './programme.model';
import { ProgrammesService } from '@libs/programmes/programmes.service';

const toModel = (e: ProgrammeEntity): ProgrammeModel => ({
  id: e.id,
  key: e.key,
  name: e.name,
  regulation: e.regulation,
  announced: e.announced,
  published: e.published,
  newBusinessCutoff: e.newBusinessCutoff,
  updatesCutoff: e.updatesCutoff,
  staleReportDays: e.staleReportDays,
  milestonePlan: e.milestonePlan,
  reminderLadder: e.reminderLadder,
  rules: e.rules,
  wording: e.wording,
  version: e.version,
});

@Resolver(() => ProgrammeModel)
export class ProgrammesResolver {
  constructor(private readonly service: ProgrammesService) {}

  @Public()
  @Query(() => [ProgrammeModel], { description: 'Every programme' })
  async programmes(): Promise<ProgrammeModel[]> {
    return (await this.service.list()).map(toModel);
  }

  @Public()
  @Query(() => ProgrammeModel, { description: 'A programme by id or key; the default programme when none is given' })
  async programme(@Args('id', { type: () => ID, nullable: true }) id?: string): Promise<ProgrammeModel> {
    return toModel(await this.service.resolve(id));
  }

  @Allow('admin')
  @Mutation(() => ProgrammeModel, {
    description: 'A new programme: its instants, milestone plan, reminder ladder, rules, wording and product catalogue (audited)',
  })
  async createProgramme(@CurrentActor() actor: Actor, @Args('input') input: CreateProgrammeInput): Promise<ProgrammeModel> {
    return toModel(await this.service.create(actor, input));
  }

  @Allow('admin')
  @Mutation(() => ProgrammeModel, { description: 'Edit a programme at the version you read (audited)' })
  async updateProgramme(@CurrentActor() actor: Actor, @Args('input') input: UpdateProgrammeInput): Promise<ProgrammeModel> {
    return toModel(await this.service.update(actor, input));
  }
}
