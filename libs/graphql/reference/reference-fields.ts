import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { toUsStateModel } from './reference.model';
import type { ReferenceService } from '@libs/reference/reference.service';

/**
 * Fields that only look a code up in the in-memory reference data (a footprint row's product, an
 * organisation's sector and state) are answered by plain resolvers instead of Nest's: a page of 50
 * organisations asks them some 400 times, and Nest's per-call pipeline (parameter decorators, pipes)
 * cost a quarter of that page's time. The models declare these fields (type, description) with
 * @Field; no @ResolveField answers them, so these resolvers are the only ones.
 */
export function withPlainReferenceFields(schema: GraphQLSchema, reference: ReferenceService): GraphQLSchema {
  const field = (type: string, name: string) => (schema.getType(type) as GraphQLObjectType | undefined)?.getFields()[name];
  const set = (type: string, name: string, resolve: (parent: any) => unknown) => {
    const f = field(type, name);
    if (!f) throw new Error(`${type}.${name} is not in the schema: update libs/graphql/reference/reference-fields.ts`);
    f.resolve = resolve;
  };
  set('Footprint', 'product', (f: { productCode: string }) => reference.product(f.productCode));
  set('Organisation', 'primarySector', (o: { primarySectorCode: string }) => reference.sectorAt(o.primarySectorCode));
  set('Organisation', 'state', async (o: { stateCode: string }) => toUsStateModel((await reference.state(o.stateCode))!));
  set('Organisation', 'region', async (o: { stateCode: string }) => (await reference.state(o.stateCode))!.region);
  return schema;
}
