import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Actor } from '../domain/actor';
import type { Loaders } from './loaders';

export interface GraphQLContext {
  actor: Actor | null;
  /** The credential could not be checked (the database is away): answer SERVICE_UNAVAILABLE, not UNAUTHENTICATED. */
  credentialsUnavailable?: boolean;
  loaders: Loaders;
}

export const gqlContext = (context: ExecutionContext): GraphQLContext => GqlExecutionContext.create(context).getContext<GraphQLContext>();

/** The authenticated actor; guards have already refused a request without one. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => gqlContext(context).actor as Actor);

export const RequestLoaders = createParamDecorator((_: unknown, context: ExecutionContext): Loaders => gqlContext(context).loaders);
