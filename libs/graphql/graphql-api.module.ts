import './enums';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessModule } from '@libs/access/access.module';
import { Authenticator } from '@libs/access/authenticator';
import { ReferenceModule } from '@libs/reference/reference.module';
import { ReferenceService } from '@libs/reference/reference.service';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import { withPlainReferenceFields } from './reference/reference-fields';
import { withNestedRowFields } from './prefetch';
import { withPlainPropertyFields } from './plain-property-fields';
import { GraphQLContext } from './context';
import { LoaderFactory } from './loaders';
import { LoadersModule } from './loaders.module';
import { MAX_COST, onlyIntrospection, queryCost, validationRules } from './query-limits';
import { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { graphqlErrorFormatter } from './error-formatter';
import { noteGraphQLOperation } from '@libs/metrics/metrics';
import { RateLimiter } from '@libs/access/rate-limiter';
import { dashboardQueries } from '@libs/dashboard/persisted-queries';

@Module({
  imports: [
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      imports: [LoadersModule, AccessModule, ReferenceModule],
      inject: [LoaderFactory, Authenticator, RUNTIME, ReferenceService],
      useFactory: (loaders: LoaderFactory, authenticator: Authenticator, runtime: Runtime, reference: ReferenceService): MercuriusDriverConfig => {
        const production = runtime.config.NODE_ENV === 'production';
        // what each credential may spend on queries: a quarter of a minute's budget at once, and at least one costliest operation
        const perMinute = runtime.config.QUERY_COST_PER_MINUTE;
        const spending = new RateLimiter(perMinute, Math.max(MAX_COST, Math.floor(perMinute / 4)));
        const persisted = dashboardQueries();
        return {
          autoSchemaFile: true,
          transformSchema: (schema) => withNestedRowFields(withPlainReferenceFields(withPlainPropertyFields(schema), reference)),
          sortSchema: true,
          path: '/graphql',
          // Compile a query to JavaScript after its first run: repeated dashboard queries skip interpretation.
          jit: 1,
          graphiql: !production,
          ide: false,
          validationRules: validationRules(production),
          allowBatchedQueries: false,
          // The dashboard sends the hashes of its known documents ({ persisted: true, query: <sha256> });
          // anyone may still send a whole document (GraphiQL, generated clients, the bench).
          persistedQueryProvider: {
            isPersistedQuery: (body: { persisted?: unknown }) => body.persisted === true || body.persisted === 'true',
            isPersistedQueryRetry: () => false,
            getHash: (body: { query?: unknown }) => (typeof body.query === 'string' ? body.query : ''),
            getQueryFromHash: async (hash: string) => persisted.byHash[hash],
            notFoundError:
              "PersistedQueryNotFound: no persisted query has this hash (the dashboard's documents are apps/api/public/dashboard/queries.graphql; reload the page)",
            notSupportedError: 'PersistedQueryNotSupported: send the hash as the query',
          },
          // Who is calling, once per request, from the one door for credentials; the AccessGuard decides
          // per operation (a public one needs no credential, so a refusal here is not yet an error).
          context: async (request: FastifyRequest): Promise<GraphQLContext> => {
            const authentication = await authenticator.authenticate(request);
            return { actor: authentication.actor, authentication, loaders: loaders.create() };
          },
          errorFormatter: graphqlErrorFormatter(production),
          // costs are counted with the variables, so before execution rather than as a validation rule
          // (a rule would not see them, and one made per request would switch off the query cache)
          hooks: {
            preExecution: [
              async (
                schema: GraphQLSchema,
                document: DocumentNode,
                context: Partial<GraphQLContext> & { reply?: FastifyReply },
                variables: Record<string, unknown>,
              ) => {
                if (context.reply) noteGraphQLOperation(context.reply.request, document);
                // the schema's own description (bounded by its own depth limit in validation) reads nothing
                if (onlyIntrospection(document)) return;
                const cost = queryCost(schema, document, variables);
                if (cost > MAX_COST) {
                  throw new GraphQLError(
                    `The operation would cost ${cost} (lists multiply: first × what each row selects); at most ${MAX_COST} is allowed: ask for fewer rows or fewer nested lists`,
                    { extensions: { code: 'QUERY_TOO_COMPLEX', cost } },
                  );
                }
                // expensive queries, one after another, are bounded per credential (an anonymous call reaches nothing that costs)
                const actor = context.actor;
                const wait = actor ? spending.take(actor.id, cost) : 0;
                if (wait > 0) {
                  throw new GraphQLError(
                    `This credential has spent its query budget (${perMinute} a minute; this operation costs ${cost}); retry in ${wait} s`,
                    { extensions: { code: 'TOO_MANY_REQUESTS', cost, retryAfterSeconds: wait } },
                  );
                }
              },
            ],
          },
        } as MercuriusDriverConfig;
      },
    }),
  ],
})
export class GraphqlApiModule {}
