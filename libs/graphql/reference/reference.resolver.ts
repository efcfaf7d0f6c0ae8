import { Public } from '../../access/access.decorators';
import { Query, Resolver, Args, ID } from '@nestjs/graphql';
import { ProductModel, SectorModel, toUsStateModel, UsStateModel } from './reference.model';
import { ReferenceService } from '../../reference/reference.service';

@Public()
@Resolver()
export class ReferenceResolver {
  constructor(private readonly reference: ReferenceService) {}

  @Query(() => [SectorModel], { description: 'The sectors valid now, with their Sector Risk Management Agencies' })
  sectors(): Promise<SectorModel[]> {
    return this.reference.currentSectors();
  }

  @Query(() => [UsStateModel], { description: 'US states and territories with their CISA region' })
  async states(): Promise<UsStateModel[]> {
    return (await this.reference.allStates()).map(toUsStateModel);
  }

  @Query(() => [ProductModel], { description: "A programme's product catalogue (every programme's without the argument)" })
  products(@Args('programmeId', { type: () => ID, nullable: true }) programmeId?: string): Promise<ProductModel[]> {
    return this.reference.allProducts(programmeId);
  }
}
