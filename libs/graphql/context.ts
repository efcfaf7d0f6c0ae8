import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { AuthenticatedContext } from '@libs/access/access.guard';
import type { Actor } from '@libs/domain/actor';
import type { Loaders } from './loaders';

export interface GraphQLContext extends AuthenticatedContext {
  /** The actor behind the request's credential, or null (`authentication` says why: the guard answers it). */
  actor: Actor | null;
  loaders: Loaders;
}

const gqlContext = (context: ExecutionContext): GraphQLContext => GqlExecutionContext.create(context).getContext<GraphQLContext>();

/** The authenticated actor; guards have already refused a request without one. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => gqlContext(context).actor as Actor);

export const RequestLoaders = createParamDecorator((_: unknown, context: ExecutionContext): Loaders => gqlContext(context).loaders);
