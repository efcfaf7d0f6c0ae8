import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';

/** The error body every REST refusal has (libs/core/errors): a code, a message, and for bad input the fields. */
export const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['code'],
  properties: {
    code: {
      type: 'string',
      description: 'BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS, SERVICE_UNAVAILABLE…',
    },
    message: { type: 'string' },
    fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** The answers every route with a credential may give besides its own. */
export const REFUSALS = {
  401: { description: 'UNAUTHENTICATED: no credential, or a revoked, expired or malformed one', schema: ERROR_SCHEMA },
  403: { description: "FORBIDDEN: the credential's role may not call this", schema: ERROR_SCHEMA },
  503: { description: 'SERVICE_UNAVAILABLE: the database is away', schema: ERROR_SCHEMA },
};

/**
 * The REST edge described by OpenAPI 3, built by @nestjs/swagger from the controllers' routes and their
 * @Api… decorators (a new controller's routes appear by themselves; a page hides with
 * @ApiExcludeController). GraphQL is described by schema.graphql, not here.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Transition tracker: REST')
    .setDescription(
      'CSV import and export, link pages, health and metrics. Everything else is GraphQL at /graphql (schema.graphql in the repository). ' +
        'Bearer tokens are minted with `npm run cli -- tokens create` or the createCredential mutation.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (ktt_…)' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the document at GET /openapi.json, public like the GraphQL schema's introspection (it names routes, not data). */
export function installOpenApi(fastify: FastifyInstance, document: OpenAPIObject): void {
  fastify.get('/openapi.json', async (_request, reply) => reply.header('cache-control', 'no-cache').send(document));
}
