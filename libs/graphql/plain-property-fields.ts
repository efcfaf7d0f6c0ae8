import { GraphQLObjectType, type GraphQLSchema } from 'graphql';

/**
 * Nest's schema builder gives every field of every object type a resolver of its own, even a plain one
 * that only reads `parent[fieldName]` (its `rootFieldResolver`, made when a field has neither middleware
 * nor a @ResolveField). A field with a resolver cannot be compiled inline by graphql-jit (mercurius'
 * `jit`): each value goes through a resolver call and its result handling. A page of 50 organisations
 * with their footprint and milestones reads some 5,000 such values.
 *
 * This takes those plain resolvers off, so the field is read as graphql-js and graphql-jit read a field
 * without one: the parent's property of the field's name. Only where that is all Nest's did: it is
 * asked once, of a parent that records what is read, and kept if it read another property (a field
 * renamed with `name:`) or answered a `defaultValue` for a missing one. Every resolver that does more
 * (a @ResolveField, field middleware, the plain resolvers of ./reference/reference-fields.ts and
 * ./prefetch.ts, set after this) has another name and is kept.
 */
export function withPlainPropertyFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve?.name === NEST_PLAIN_RESOLVER && readsOnly(field.resolve, field.name)) field.resolve = undefined;
    }
  }
  return schema;
}

/** Whether a resolver reads the parent's property `name` and nothing else, and answers nothing when it is missing. */
function readsOnly(resolve: (...args: any[]) => unknown, name: string): boolean {
  const read: PropertyKey[] = [];
  const parent = new Proxy({}, { get: (_target, key) => (read.push(key), undefined) });
  try {
    return resolve(parent, {}, {}, {}) === undefined && read.length === 1 && read[0] === name;
  } catch {
    return false;
  }
}

/** The name of the resolver @nestjs/graphql's ObjectTypeDefinitionFactory makes for a plain field. */
const NEST_PLAIN_RESOLVER = 'rootFieldResolver';
