import './enums';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import mercurius from 'mercurius';
import { AccessModule } from '../access/access.module';
import { Authenticator } from '../access/authenticator';
import { ReferenceModule } from '../reference/reference.module';
import { ReferenceService } from '../reference/reference.service';
import { RUNTIME, Runtime } from '../core/runtime/runtime';
import { withPlainReferenceFields } from './reference/reference-fields';
import { GraphQLContext } from './context';
import { LoaderFactory } from './loaders';
import { LoadersModule } from './loaders.module';
import { MAX_DEPTH, validationRules, withoutSuggestions } from './query-limits';

/** Codes for errors raised before a resolver runs (parse, validation, variable coercion). */
function codeFor(message: string): string {
  if (message.startsWith('Syntax Error')) return 'GRAPHQL_PARSE_FAILED';
  if (/body is too large/i.test(message)) return 'QUERY_TOO_LARGE';
  if (/^Variable "\$[^"]+" (got invalid value|of required type|of non-null type)/.test(message) || /^(Expected value of type|Enum "|Int cannot|String cannot|Float cannot|Boolean cannot|ID cannot)/.test(message)) {
    return 'BAD_USER_INPUT';
  }
  return 'GRAPHQL_VALIDATION_FAILED';
}

@Module({
  imports: [
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      imports: [LoadersModule, AccessModule, ReferenceModule],
      inject: [LoaderFactory, Authenticator, RUNTIME, ReferenceService],
      useFactory: (loaders: LoaderFactory, authenticator: Authenticator, runtime: Runtime, reference: ReferenceService): MercuriusDriverConfig => {
        const production = runtime.config.NODE_ENV === 'production';
        return {
          autoSchemaFile: true,
          transformSchema: (schema) => withPlainReferenceFields(schema, reference),
          sortSchema: true,
          path: '/graphql',
          // Compile a query to JavaScript after its first run: repeated dashboard queries skip interpretation.
          jit: 1,
          graphiql: !production,
          ide: false,
          queryDepth: MAX_DEPTH,
          validationRules: validationRules(production),
          allowBatchedQueries: false,
          // Who is calling, once per request, from the one door for credentials; the AccessGuard decides
          // per operation (a public one needs no credential, so a refusal here is not yet an error).
          context: async (request: FastifyRequest): Promise<GraphQLContext> => {
            const authentication = await authenticator.authenticate(request);
            return { actor: authentication.actor, authentication, loaders: loaders.create() };
          },
          errorFormatter: (execution, context) => {
            const formatted = mercurius.defaultErrorFormatter(execution, context);
            const errors = (formatted.response.errors ?? []).map((e: GraphQLError | Record<string, any>) => {
              const json = e as { message: string; path?: unknown[]; extensions?: Record<string, unknown> };
              if (!json.extensions?.code) json.extensions = { ...json.extensions, code: json.path ? 'INTERNAL_SERVER_ERROR' : /query depth/i.test(json.message) ? 'QUERY_TOO_COMPLEX' : codeFor(json.message) };
              if (production) json.message = withoutSuggestions(json.message);
              return json;
            });
            // Partial results keep 200; a request refused outright says 400, as GraphQL over HTTP asks.
            const statusCode = execution.data ? 200 : errors.every((e) => e.extensions?.code !== 'INTERNAL_SERVER_ERROR') ? formatted.statusCode : 500;
            return { statusCode, response: { data: formatted.response.data, errors } };
          },
        } as MercuriusDriverConfig;
      },
    }),
  ],
})
export class GraphqlApiModule {}
