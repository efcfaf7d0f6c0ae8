import { GraphQLError } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { registry } from '@libs/metrics/metrics';
import { graphqlErrorFormatter } from './error-formatter';

// Mercurius itself does not load under Jest on Node 20 (an ES-module dependency); its default formatter
// only turns the errors into JSON, which is all this stand-in does.
jest.mock('mercurius', () => ({
  __esModule: true,
  default: {
    defaultErrorFormatter: (execution: { data?: unknown; errors: GraphQLError[] }) => ({
      statusCode: 200,
      response: { data: execution.data ?? null, errors: execution.errors.map((e) => e.toJSON()) },
    }),
  },
}));

const context = { app: { log: { info: () => undefined } } } as unknown as MercuriusContext;

async function counted(): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('graphql_errors_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.code), v.value]));
}

describe('graphqlErrorFormatter', () => {
  it('gives each error a code and counts it by that code for /metrics', async () => {
    const before = await counted();
    const { statusCode, response } = graphqlErrorFormatter(false)(
      {
        data: null,
        errors: [
          new GraphQLError('Cannot query field "nope" on type "Query".'),
          new GraphQLError('Syntax Error: Unexpected <EOF>.'),
          new GraphQLError('Not allowed', { path: ['organisations'], extensions: { code: 'FORBIDDEN' } }),
          new GraphQLError('Not allowed either', { path: ['programmes'], extensions: { code: 'FORBIDDEN' } }),
        ],
      },
      context,
    );
    expect(response.errors!.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'FORBIDDEN', 'FORBIDDEN']);
    expect(statusCode).toBe(200);
    const after = await counted();
    const delta = (code: string) => (after[code] ?? 0) - (before[code] ?? 0);
    expect(delta('GRAPHQL_VALIDATION_FAILED')).toBe(1);
    expect(delta('GRAPHQL_PARSE_FAILED')).toBe(1);
    expect(delta('FORBIDDEN')).toBe(2);
    expect(await registry.metrics()).toMatch(/^graphql_errors_total\{code="FORBIDDEN"\} \d+$/m);
  });

  it('says 500 when an error without data is an internal one, and counts it', async () => {
    const before = (await counted()).INTERNAL_SERVER_ERROR ?? 0;
    const { statusCode } = graphqlErrorFormatter(true)({ data: null, errors: [new GraphQLError('boom', { path: ['organisation'] })] }, context);
    expect(statusCode).toBe(500);
    expect((await counted()).INTERNAL_SERVER_ERROR).toBe(before + 1);
  });

  it('names the field of a variable GraphQL refused, as the services name theirs', () => {
    const { response } = graphqlErrorFormatter(false)(
      {
        data: null,
        errors: [
          new GraphQLError(
            'Variable "$input" got invalid value "2024-02-30" at "input.licenceEnd"; Expected type "LocalDate". Value is not a valid LocalDate: 2024-02-30',
          ),
          new GraphQLError('Variable "$at" got invalid value "soon"; Expected type "DateTime". Value is not a valid date'),
        ],
      },
      context,
    );
    expect(response.errors!.map((e) => e.extensions)).toEqual([
      {
        code: 'BAD_USER_INPUT',
        field: 'licenceEnd',
        fields: [{ field: 'licenceEnd', message: 'Expected type "LocalDate". Value is not a valid LocalDate: 2024-02-30' }],
      },
      { code: 'BAD_USER_INPUT', field: 'at', fields: [{ field: 'at', message: 'Expected type "DateTime". Value is not a valid date' }] },
    ]);
  });
});
