import { Allow, Public } from '@libs/access/access.decorators';
import { Query, Resolver, Args, ID, GraphQLISODateTime, Mutation } from '@nestjs/graphql';
import type { Actor } from '@libs/domain/actor';
import { ChangeSectorAgencyInput } from '@libs/reference/dto/sector-agency.input';
import { SectorsService } from '@libs/reference/sectors.service';
import { CurrentActor } from '../context';
import { ProductModel, SectorModel, toUsStateModel, UsStateModel } from './reference.model';
import { ReferenceService } from '@libs/reference/reference.service';

@Resolver()
export class ReferenceResolver {
  constructor(
    private readonly reference: ReferenceService,
    private readonly sectorsService: SectorsService,
  ) {}

  @Public()
  @Query(() => [SectorModel], {
    description: "The sectors in force at `at` (the server's clock by default), each with the Sector Risk Management Agency it had then",
  })
  sectors(@Args('at', { type: () => GraphQLISODateTime, nullable: true }) at?: Date): Promise<SectorModel[]> {
    return this.reference.currentSectors(at ?? undefined);
  }

  @Allow('admin')
  @Mutation(() => SectorModel, {
    description:
      'Move a sector to another Sector Risk Management Agency from an instant on (a new version of the sector; the instants before it keep the old agency)',
  })
  changeSectorAgency(@CurrentActor() actor: Actor, @Args('input') input: ChangeSectorAgencyInput): Promise<SectorModel> {
    return this.sectorsService.changeAgency(actor, input);
  }

  @Public()
  @Query(() => [UsStateModel], { description: 'US states and territories with their CISA region' })
  async states(): Promise<UsStateModel[]> {
    return (await this.reference.allStates()).map(toUsStateModel);
  }

  @Public()
  @Query(() => [ProductModel], { description: "A programme's product catalogue (every programme's without the argument)" })
  products(@Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string): Promise<ProductModel[]> {
    return this.reference.allProducts(programmeId);
  }
}
