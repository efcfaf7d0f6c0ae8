import { LocalDateScalar } from '../json.scalar';
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Environment, UpdateChannel, WhiteLabelConfidence } from '../enums';
import { ProductModel } from '../reference/reference.model';
import { MaintenanceWindowModel } from './maintenance-window.model';

@ObjectType('Footprint', { description: "One deployment of the programme's product at an organisation" })
export class FootprintModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field(() => ID, { description: 'The organisation' }) organisationId: string;
  @Field(() => ID, { description: 'The programme it is counted in' }) programmeId: string;
  productCode: string;
  // Looked up from productCode by the plain resolver of ../reference/reference-fields.ts, not by Nest's.
  @Field(() => ProductModel, { description: "The product, from the programme's catalogue" }) product?: ProductModel;
  @Field(() => String, { nullable: true, description: "The product's own name for OTHER, the third-party product for WHITE_LABEL" }) productName: string | null;
  @Field(() => String, { nullable: true, description: "Third-party vendor that embeds the programme's product (a white-label engine)" }) vendor: string | null;
  @Field(() => WhiteLabelConfidence, { nullable: true, description: 'For a white-label engine: how sure it is that the third-party product embeds it' })
  whiteLabelConfidence: WhiteLabelConfidence | null;
  @Field(() => Environment, { description: 'Where it runs' }) environment: Environment;
  @Field(() => Int, { description: 'Endpoints, servers or nodes that ran the product' }) endpointCount: number;
  @Field(() => Int, { description: 'Of those, the ones still running it' }) endpointsRemaining: number;
  @Field(() => Int, { nullable: true, description: 'What remains as a liaison verified it (verifyFootprint); null until verified' }) verifiedRemaining:
    number | null;
  @Field(() => String, { nullable: true, description: 'The credential that verified it' }) verifiedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When a liaison verified it' }) verifiedAt: Date | null;
  @Field(() => UpdateChannel, { description: 'How it receives updates' }) updateChannel: UpdateChannel;
  @Field(() => LocalDateScalar, { nullable: true, description: 'When the licence ends' }) licenceEnd: string | null;
  @Field(() => String, { nullable: true, description: 'The product that replaces it, once chosen' }) replacementProduct: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the organisation chose the replacement (not pushed by a vendor update)' })
  replacementChosenByOrganisation: boolean | null;
  @Field(() => GraphQLISODateTime, { description: 'When it was added' }) createdAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'When it last changed' }) updatedAt: Date;
  @Field(() => Int, { description: 'Optimistic-lock version: send the one you read with an edit; a stale one is refused with CONFLICT' }) version: number;
  @Field(() => MaintenanceWindowModel, { nullable: true, description: 'OT only: the next maintenance window, when the deployment may change' })
  maintenanceWindow: MaintenanceWindowModel | null;
  @Field(() => Boolean, { nullable: true, description: 'OT only: whether the replacement is certified by the equipment vendor (null: not known)' })
  replacementVendorCertified: boolean | null;
  @Field(() => String, { nullable: true, description: "OT only: the equipment vendor's certificate or notice for the replacement" })
  replacementCertificationRef: string | null;
}
