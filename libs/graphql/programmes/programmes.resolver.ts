import { Public } from '../../access/access.decorators';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { ProgrammeEntity } from '../../data/entities/programme.entity';
import { ProgrammeModel } from './programme.model';
import { ProgrammesService } from '../../programmes/programmes.service';

const toModel = (e: ProgrammeEntity): ProgrammeModel => ({
  id: e.id, key: e.key, name: e.name, regulation: e.regulation, announced: e.announced, published: e.published,
  newBusinessCutoff: e.newBusinessCutoff, updatesCutoff: e.updatesCutoff, staleReportDays: e.staleReportDays,
  milestonePlan: e.milestonePlan, reminderLadder: e.reminderLadder,
});

@Public()
@Resolver(() => ProgrammeModel)
export class ProgrammesResolver {
  constructor(private readonly service: ProgrammesService) {}

  @Query(() => [ProgrammeModel])
  async programmes(): Promise<ProgrammeModel[]> {
    return (await this.service.list()).map(toModel);
  }

  @Query(() => ProgrammeModel, { description: 'A programme by id; the default programme when no id is given' })
  async programme(@Args('id', { type: () => ID, nullable: true }) id?: string): Promise<ProgrammeModel> {
    return toModel(await this.service.resolve(id));
  }
}
