import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';
import { ProductKind } from '../enums';

@ObjectType('Sector', { description: 'A critical-infrastructure sector (PPD-21, kept by NSM-22) and its Sector Risk Management Agency' })
export class SectorModel {
  @Field() code: string;
  @Field() name: string;
  @Field({ description: 'Sector Risk Management Agency' }) srma: string;
  @Field(() => GraphQLISODateTime) validFrom: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) validTo: Date | null;
}

@ObjectType('UsState', { description: 'A US state or territory and its CISA region (the ten standard federal regions)' })
export class UsStateModel {
  @Field() code: string;
  @Field() name: string;
  @Field(() => Int) region: number;
  @Field() regionOffice: string;
}

@ObjectType('Product', { description: "A product of a programme's catalogue" })
export class ProductModel {
  @Field() code: string;
  @Field() name: string;
  @Field() family: string;
  @Field(() => ProductKind) kind: string;
}

/** A state as the API shows it (the office of its CISA region named `regionOffice`). */
export const toUsStateModel = (s: { code: string; name: string; region: number; office: string }): UsStateModel => ({
  code: s.code, name: s.name, region: s.region, regionOffice: s.office,
});
