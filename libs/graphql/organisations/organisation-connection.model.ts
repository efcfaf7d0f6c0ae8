import { Field, Int, ObjectType } from '@nestjs/graphql';
import { OrganisationModel } from './organisation.model';
import { PageInfoModel } from '../page-info.model';

@ObjectType('OrganisationEdge')
export class OrganisationEdgeModel {
  @Field() cursor: string;
  @Field(() => OrganisationModel) node: OrganisationModel;
}

@ObjectType('OrganisationConnection')
export class OrganisationConnectionModel {
  @Field(() => Int, { description: 'All organisations matching the filter in your scope, not just this page' }) totalCount: number;
  @Field(() => [OrganisationEdgeModel]) edges: OrganisationEdgeModel[];
  @Field(() => PageInfoModel) pageInfo: PageInfoModel;
}
