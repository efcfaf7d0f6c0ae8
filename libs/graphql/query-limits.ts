import { ASTVisitor, DocumentNode, FieldNode, getNullableType, GraphQLError, GraphQLSchema, isListType, NoSchemaIntrospectionCustomRule, ValidationContext, ValidationRule } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';

/** A query text longer than this is refused before it is parsed. */
export const MAX_QUERY_BYTES = 64 * 1024;
/** Field selections in one operation, fragments expanded, and aliased ones among them. */
const MAX_FIELDS = 2_000;
const MAX_ALIASES = 40;
export const MAX_DEPTH = 12;

/**
 * Refuses an operation that selects too many fields or aliases (the "100 aliases of a costly field"
 * attack) before anything executes. Fragments are counted each time they are spread.
 */
function fieldBudgetRule(maxFields = MAX_FIELDS, maxAliases = MAX_ALIASES): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let fields = 0;
    let aliases = 0;
    let reported = false;
    const countFragment = new Map<string, { fields: number; aliases: number }>();
    const visit = (node: { selectionSet?: { selections: readonly any[] } }, seen: Set<string>): { fields: number; aliases: number } => {
      let f = 0;
      let a = 0;
      for (const s of node.selectionSet?.selections ?? []) {
        if (s.kind === 'Field') {
          f += 1;
          if ((s as FieldNode).alias) a += 1;
          const inner = visit(s, seen);
          f += inner.fields;
          a += inner.aliases;
        } else if (s.kind === 'InlineFragment') {
          const inner = visit(s, seen);
          f += inner.fields;
          a += inner.aliases;
        } else if (s.kind === 'FragmentSpread') {
          const name = s.name.value;
          if (seen.has(name)) continue;
          let counted = countFragment.get(name);
          if (!counted) {
            const fragment = context.getFragment(name);
            counted = fragment ? visit(fragment, new Set([...seen, name])) : { fields: 0, aliases: 0 };
            countFragment.set(name, counted);
          }
          f += counted.fields;
          a += counted.aliases;
        }
      }
      return { fields: f, aliases: a };
    };
    return {
      OperationDefinition(node) {
        const counted = visit(node, new Set());
        fields = counted.fields;
        aliases = counted.aliases;
        if (reported) return;
        if (aliases > maxAliases) {
          reported = true;
          context.reportError(new GraphQLError(`The operation uses ${aliases} aliases; at most ${maxAliases} are allowed`, { nodes: [node], extensions: { code: 'QUERY_TOO_COMPLEX' } }));
        } else if (fields > maxFields) {
          reported = true;
          context.reportError(new GraphQLError(`The operation selects ${fields} fields; at most ${maxFields} are allowed`, { nodes: [node], extensions: { code: 'QUERY_TOO_COMPLEX' } }));
        }
      },
    };
  };
}

/** In production the schema is not introspectable (the README and docs/ describe it). */
export function validationRules(production: boolean): ValidationRule[] {
  return production ? [fieldBudgetRule(), NoSchemaIntrospectionCustomRule] : [fieldBudgetRule()];
}

/** "Did you mean …?" hints reveal the schema; production answers without them. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean[^?]*\?/g, '');
}

/** The most a query may cost: list sizes multiply down the tree (see queryCost). */
export const MAX_COST = 100_000;
/** What a list without a `first` argument (an organisation's footprint, milestones, contacts) is assumed to hold. */
const LIST_ESTIMATE = 10;

/**
 * The cost of an operation with its variables: each field costs 1 plus what it selects, times the rows
 * it may return: its `first` argument (the variables' value, or the argument's default), or, for a list
 * without one, LIST_ESTIMATE. `organisations(first: 500) { edges { node { history(first: 500) … } } }`
 * costs 500 × 500 × its fields, where a field count sees only 4 fields. graphql-query-complexity, a
 * maintained library, walks the operation (fragments, skip/include); this estimator is the rule.
 */
export function queryCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string): number {
  return getComplexity({
    schema, query: document, variables: variables ?? {}, operationName,
    estimators: [
      ({ args, childComplexity, field }) => {
        const first = typeof args.first === 'number' ? args.first : undefined;
        if (first !== undefined) return 1 + childComplexity * Math.max(first, 1);
        const listed = isListType(getNullableType(field.type));
        // a connection's edges are already counted by its `first`
        return 1 + childComplexity * (listed && field.name !== 'edges' ? LIST_ESTIMATE : 1);
      },
    ],
  });
}
