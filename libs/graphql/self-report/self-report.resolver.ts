import { Allow } from '@libs/access/access.decorators';
import { Args, Field, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import type { Actor } from '@libs/domain/actor';
import { toFootprintModel } from '../footprint/footprint.mapper';
import { FootprintModel } from '../footprint/footprint.model';
import { CurrentActor } from '../context';
import { toMilestoneModel } from '../milestones/milestone.mapper';
import { MilestoneModel } from '../milestones/milestone.model';
import { OrganisationModel } from '../organisations/organisation.model';
import { toOrganisationModel } from '../organisations/organisation.mapper';
import { SelfReportInput } from '@libs/self-report/dto/self-report.input';
import { SelfReportService } from '@libs/self-report/self-report.service';

@ObjectType('SelfReportResult', { description: 'The organisation and the rows a self-report changed' })
export class SelfReportResultModel {
  @Field(() => OrganisationModel, { description: 'The organisation as it is now' }) organisation: OrganisationModel;
  @Field(() => [FootprintModel], { description: 'The footprint rows as they are now' }) footprint: FootprintModel[];
  @Field(() => [MilestoneModel], { description: 'The milestones as they are now' }) milestones: MilestoneModel[];
}

@Resolver()
export class SelfReportResolver {
  constructor(private readonly selfReport: SelfReportService) {}

  @Allow('admin', 'liaison', 'reporter')
  @Mutation(() => SelfReportResultModel, { description: 'Remaining counts and milestone states together, atomically' })
  async submitSelfReport(@CurrentActor() actor: Actor, @Args('input') input: SelfReportInput): Promise<SelfReportResultModel> {
    const result = await this.selfReport.submit(actor, input);
    return {
      organisation: toOrganisationModel(result.organisation),
      footprint: result.footprint.map(toFootprintModel),
      milestones: result.milestones.map(toMilestoneModel),
    };
  }
}
