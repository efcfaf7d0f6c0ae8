import { Field, Int, ObjectType } from '@nestjs/graphql';
import { OrganisationModel } from './organisation.model';
import { PageInfoModel } from '../page-info.model';

@ObjectType('OrganisationEdge', { description: 'One organisation of a page and its cursor' })
export class OrganisationEdgeModel {
  @Field({ description: 'Opaque cursor of this row: pass it as `after` for the rows after it' }) cursor: string;
  @Field(() => OrganisationModel, { description: 'The organisation' }) node: OrganisationModel;
}

@ObjectType('OrganisationConnection', { description: 'A page of organisations (Relay cursor connection)' })
export class OrganisationConnectionModel {
  @Field(() => Int, { description: 'All organisations matching the filter in your scope, not just this page' }) totalCount: number;
  @Field(() => [OrganisationEdgeModel], { description: 'The rows of this page, in order, each with its cursor' }) edges: OrganisationEdgeModel[];
  @Field(() => PageInfoModel, { description: 'Where this page stands: whether rows follow, and the cursors to page on with' }) pageInfo: PageInfoModel;
}
