import { LocalDateScalar } from '../json.scalar';
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Environment, UpdateChannel, WhiteLabelConfidence } from '../enums';
import { ProductModel } from '../reference/reference.model';

@ObjectType('Footprint', { description: "One deployment of the programme's product at an organisation" })
export class FootprintModel {
  @Field(() => ID) id: string;
  @Field(() => ID) organisationId: string;
  @Field(() => ID) programmeId: string;
  productCode: string;
  // Looked up from productCode by the plain resolver of ../reference/reference-fields.ts, not by Nest's.
  @Field(() => ProductModel) product?: ProductModel;
  @Field(() => String, { nullable: true, description: 'The product\'s own name for OTHER, the third-party product for WHITE_LABEL' }) productName: string | null;
  @Field(() => String, { nullable: true, description: "Third-party vendor that embeds the programme's product (a white-label engine)" }) vendor: string | null;
  @Field(() => WhiteLabelConfidence, { nullable: true }) whiteLabelConfidence: WhiteLabelConfidence | null;
  @Field(() => Environment) environment: Environment;
  @Field(() => Int) endpointCount: number;
  @Field(() => Int) endpointsRemaining: number;
  @Field(() => UpdateChannel) updateChannel: UpdateChannel;
  @Field(() => LocalDateScalar, { nullable: true, description: 'When the licence ends' }) licenceEnd: string | null;
  @Field(() => String, { nullable: true }) replacementProduct: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the organisation chose the replacement (not pushed by a vendor update)' }) replacementChosenByOrganisation: boolean | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime) updatedAt: Date;
  @Field(() => Int) version: number;
}
