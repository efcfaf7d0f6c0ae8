import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';
import { ProductKind } from '../enums';

@ObjectType('Sector', { description: 'A critical-infrastructure sector (PPD-21, kept by NSM-22) and its Sector Risk Management Agency' })
export class SectorModel {
  @Field({ description: 'Its code (e.g. ENERGY)' }) code: string;
  @Field({ description: 'Its name' }) name: string;
  @Field({ description: 'Sector Risk Management Agency' }) srma: string;
  @Field(() => GraphQLISODateTime, { description: 'From when this definition holds' }) validFrom: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Until when it holds; null: still' }) validTo: Date | null;
}

@ObjectType('UsState', { description: 'A US state or territory and its CISA region (the ten standard federal regions)' })
export class UsStateModel {
  @Field({ description: 'Two-letter code' }) code: string;
  @Field({ description: 'Its name' }) name: string;
  @Field(() => Int, { description: 'Its CISA region (1-10)' }) region: number;
  @Field({ description: "The region's office (Boston … Seattle)" }) regionOffice: string;
}

@ObjectType('Product', { description: "A product of a programme's catalogue" })
export class ProductModel {
  @Field({ description: 'Its code in the catalogue' }) code: string;
  @Field({ description: 'Its name' }) name: string;
  @Field({ description: 'The product family' }) family: string;
  @Field(() => ProductKind, { description: 'Catalogue product, white-label engine or other' }) kind: string;
}

/** A state as the API shows it (the office of its CISA region named `regionOffice`). */
export const toUsStateModel = (s: { code: string; name: string; region: number; office: string }): UsStateModel => ({
  code: s.code,
  name: s.name,
  region: s.region,
  regionOffice: s.office,
});
