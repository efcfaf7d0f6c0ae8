import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import './enums';
import { ResolversModule } from './resolvers.module';

/**
 * The schema the code declares, as SDL (sorted, as the server serves it): built from the resolvers the
 * GraphQL edge registers (ResolversModule), without a database, Redis or an HTTP server.
 */
export async function schemaFromCode(): Promise<string> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    const resolvers = Reflect.getMetadata('providers', ResolversModule) as Parameters<GraphQLSchemaFactory['create']>[0];
    const schema = await app.get(GraphQLSchemaFactory).create(resolvers);
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}
