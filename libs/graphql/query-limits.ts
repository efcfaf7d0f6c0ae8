import {
  ASTVisitor,
  DocumentNode,
  FieldNode,
  getNullableType,
  GraphQLError,
  GraphQLSchema,
  isListType,
  NoSchemaIntrospectionCustomRule,
  ValidationContext,
  ValidationRule,
  visit,
} from 'graphql';
import { getComplexity } from 'graphql-query-complexity';

/** A query text longer than this is refused before it is parsed. */
export const MAX_QUERY_BYTES = 64 * 1024;
/** Field selections in one operation, fragments expanded, and aliased ones among them. */
const MAX_FIELDS = 2_000;
const MAX_ALIASES = 40;
const MAX_DEPTH = 12;

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
          context.reportError(
            new GraphQLError(`The operation uses ${aliases} aliases; at most ${maxAliases} are allowed`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        } else if (fields > maxFields) {
          reported = true;
          context.reportError(
            new GraphQLError(`The operation selects ${fields} fields; at most ${maxFields} are allowed`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        }
      },
    };
  };
}

/**
 * Introspection (`__schema`, `__type`) has a depth limit of its own: the standard introspection query
 * (graphql-js's getIntrospectionQuery, which GraphQL Code Generator and GraphiQL send) nests TypeRef's
 * `ofType` to depth 15, past MAX_DEPTH, yet `__Type.fields.type.fields…` can nest without end, so it is
 * bounded too. Production turns introspection off altogether.
 */
const MAX_INTROSPECTION_DEPTH = 20;
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Depth of each operation: every field and inline fragment is a level (a fragment spread is replaced by
 * its fragment's selections); a level inside `__schema` or `__type` counts against
 * MAX_INTROSPECTION_DEPTH instead of MAX_DEPTH. Refused with QUERY_TOO_COMPLEX before execution.
 */
function depthLimitRule(maxDepth = MAX_DEPTH, maxIntrospectionDepth = MAX_INTROSPECTION_DEPTH): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const measure = (
      node: { selectionSet?: { selections: readonly any[] } },
      depth: number,
      introspection: boolean,
      seen: Set<string>,
    ): { depth: number; introspectionDepth: number } => {
      let deepest = { depth: introspection ? 0 : depth, introspectionDepth: introspection ? depth : 0 };
      for (const s of node.selectionSet?.selections ?? []) {
        let inner: { depth: number; introspectionDepth: number };
        if (s.kind === 'FragmentSpread') {
          const name = s.name.value;
          const fragment = seen.has(name) ? undefined : context.getFragment(name);
          if (!fragment) continue;
          inner = measure(fragment, depth, introspection, new Set([...seen, name]));
        } else {
          const entering = !introspection && s.kind === 'Field' && INTROSPECTION_FIELDS.has((s as FieldNode).name.value);
          inner = entering ? measure(s, 1, true, seen) : measure(s, depth + 1, introspection, seen);
          if (entering) inner = { depth: Math.max(inner.depth, depth + 1), introspectionDepth: inner.introspectionDepth };
        }
        deepest = { depth: Math.max(deepest.depth, inner.depth), introspectionDepth: Math.max(deepest.introspectionDepth, inner.introspectionDepth) };
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const name = node.name?.value ?? 'anonymous';
        const { depth, introspectionDepth } = measure(node, 0, false, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`${name} query depth (${depth}) exceeds the query depth limit of ${maxDepth}`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        } else if (introspectionDepth > maxIntrospectionDepth) {
          context.reportError(
            new GraphQLError(`${name} introspection depth (${introspectionDepth}) exceeds the limit of ${maxIntrospectionDepth}`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        }
      },
    };
  };
}

/** In production the schema is not introspectable (the README and docs/ describe it). */
export function validationRules(production: boolean): ValidationRule[] {
  return production ? [depthLimitRule(), fieldBudgetRule(), NoSchemaIntrospectionCustomRule] : [depthLimitRule(), fieldBudgetRule()];
}

/**
 * Whether every operation of a document asks only about the schema (`__schema`, `__type`, `__typename`
 * at its top): it reads nothing and costs nothing. Every operation, so that a costly one beside an
 * introspection cannot pass for it.
 */
export function onlyIntrospection(document: DocumentNode): boolean {
  const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
  return operations.length > 0 && operations.every((o) => o.selectionSet.selections.every((s) => s.kind === 'Field' && s.name.value.startsWith('__')));
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
  // The walk is remembered per document (the server keeps one parsed document per query text) and per
  // value of the variables the cost can depend on: those given to a `first` argument or to @skip/@include.
  let known = costs.get(document);
  if (!known || known.schema !== schema) {
    known = { schema, names: costVariables(document), byKey: new Map() };
    costs.set(document, known);
  }
  const key = `${operationName ?? ''}|${JSON.stringify(known.names.map((n) => variables?.[n] ?? null))}`;
  let cost = known.byKey.get(key);
  if (cost === undefined) {
    cost = walkCost(schema, document, variables, operationName);
    if (known.byKey.size >= 64) known.byKey.clear();
    known.byKey.set(key, cost);
  }
  return cost;
}

const costs = new WeakMap<DocumentNode, { schema: GraphQLSchema; names: string[]; byKey: Map<string, number> }>();

/** The variables an operation's cost can depend on: those given to `first` arguments and to @skip/@include. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if (node.name.value !== 'first' && node.name.value !== 'if') return;
      visit(node.value, {
        Variable(v) {
          names.add(v.name.value);
        },
      });
    },
  });
  return [...names].sort();
}

function walkCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName,
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
