import type { ExecutionResult, GraphQLError } from 'graphql';
import mercurius, { type MercuriusContext } from 'mercurius';
import { countGraphQLError } from '@libs/metrics/metrics';
import { withoutSuggestions } from './query-limits';

/** Codes for errors raised before a resolver runs (parse, validation, variable coercion). */
function codeFor(message: string): string {
  if (message.startsWith('Syntax Error')) return 'GRAPHQL_PARSE_FAILED';
  if (message.startsWith('PersistedQueryNotFound')) return 'PERSISTED_QUERY_NOT_FOUND';
  if (message.startsWith('PersistedQueryNotSupported')) return 'PERSISTED_QUERY_NOT_SUPPORTED';
  if (/body is too large/i.test(message)) return 'QUERY_TOO_LARGE';
  if (
    /^Variable "\$[^"]+" (got invalid value|of required type|of non-null type)/.test(message) ||
    /^(Expected value of type|Enum "|Int cannot|String cannot|Float cannot|Boolean cannot|ID cannot)/.test(message)
  ) {
    return 'BAD_USER_INPUT';
  }
  return 'GRAPHQL_VALIDATION_FAILED';
}

type FormattedError = { message: string; path?: unknown[]; extensions?: Record<string, unknown> };

/**
 * A variable GraphQL itself refused (an enum value, a calendar date, an instant: its scalar's check)
 * names the field as the services' own refusals do: `Variable "$input" got invalid value "2024-02-30"
 * at "input.licenceEnd"; …` gives `{ field: 'licenceEnd', message }`.
 */
function variableField(message: string): { field: string; fields: Array<{ field: string; message: string }> } | null {
  const nested = /^Variable "\$([^"]+)" got invalid value .*? at "([^"]+)"; (.*)$/s.exec(message);
  const whole = nested ? null : /^Variable "\$([^"]+)" got invalid value .*?; (.*)$/s.exec(message);
  if (!nested && !whole) return null;
  const [variable, path, reason] = nested ? [nested[1], nested[2], nested[3]] : [whole![1], whole![1], whole![2]];
  const field = path.startsWith(`${variable}.`) ? path.slice(variable.length + 1) : path;
  return { field, fields: [{ field, message: reason }] };
}

/**
 * Mercurius's error formatter for the API: every GraphQL error of every response passes here (parse,
 * validation, resolver), so here each gets its `extensions.code`, loses field suggestions in
 * production and is counted by code for /metrics (`graphql_errors_total`).
 */
export function graphqlErrorFormatter(production: boolean) {
  return (execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>, context: MercuriusContext) => {
    const formatted = mercurius.defaultErrorFormatter(execution, context);
    const errors = (formatted.response.errors ?? []).map((e: GraphQLError | Record<string, any>) => {
      const json = e as FormattedError;
      if (!json.extensions?.code)
        json.extensions = {
          ...json.extensions,
          code: json.path ? 'INTERNAL_SERVER_ERROR' : /query depth/i.test(json.message) ? 'QUERY_TOO_COMPLEX' : codeFor(json.message),
        };
      if (json.extensions.code === 'BAD_USER_INPUT' && !json.extensions.fields) Object.assign(json.extensions, variableField(json.message));
      if (production) json.message = withoutSuggestions(json.message);
      countGraphQLError(String(json.extensions.code));
      return json;
    });
    // Partial results keep 200; a request refused outright says 400, as GraphQL over HTTP asks.
    const statusCode = execution.data ? 200 : errors.every((e) => e.extensions?.code !== 'INTERNAL_SERVER_ERROR') ? formatted.statusCode : 500;
    return { statusCode, response: { data: formatted.response.data, errors } };
  };
}
