import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import './enums';
import { ResolversModule } from './resolvers.module';

/**
 * The schema the code declares, as SDL (sorted, as the server serves it): built from the resolvers the
 * GraphQL edge registers (ResolversModule), without a database, Redis or an HTTP server.
 */
export async function schemaFromCode(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildSchemaFromCode()))}\n`;
}

/**
 * The schema as Nest's schema builder makes it from the GraphQL edge's resolvers, before the server's
 * transforms: its fields carry Nest's own resolvers, the @ResolveField ones excepted (the running
 * server's explorer adds those). Also read by test/support/schema-resolvers-probe.js, from the built
 * code (a path Knip cannot follow, hence the tag).
 * @public
 */
export async function buildSchemaFromCode(): Promise<GraphQLSchema> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    const resolvers = Reflect.getMetadata('providers', ResolversModule) as Parameters<GraphQLSchemaFactory['create']>[0];
    return await app.get(GraphQLSchemaFactory).create(resolvers);
  } finally {
    await app.close();
  }
}
