import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError, ErrorCode } from '@libs/core/errors/app-error';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import type { Actor, Role } from '@libs/domain/actor';
import { ALLOW_KEY, PUBLIC_KEY } from './access.decorators';
import { AccessRule, admit, Authentication } from './authentication';
import { Authenticator } from './authenticator';
import { RateLimiter } from './rate-limiter';

/** What the GraphQL context carries for the guard: the door's answer, asked once per request. */
export interface AuthenticatedContext {
  authentication: Authentication;
}

interface HttpRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  routeOptions?: { url?: string };
}

/** The actor the guard admitted on a REST request, for the handler. */
const admitted = new WeakMap<object, Actor>();

/** The actor of a REST request, admitted by the AccessGuard (a route declared @Allow has one). */
export const RequestActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = admitted.get(context.switchToHttp().getRequest<object>());
  if (!actor) throw new AppError(ErrorCode.UNAUTHENTICATED, 'A valid bearer token is required (Authorization: Bearer <token>)');
  return actor;
});

/**
 * The one guard, for every GraphQL operation and every REST route: each names who may call it
 * (@Allow) or is @Public; anything unnamed is refused (deny by default). Who is calling comes from the
 * one door (Authenticator): for GraphQL the context asked it once per request, for REST the guard asks
 * it here. GraphQL mutations are rate-limited per credential. Row scope is not decided here but in SQL
 * (libs/data/scope.ts), so nested fields, filters and totals cannot leak past it.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RUNTIME) runtime: Runtime,
    private readonly authenticator: Authenticator,
  ) {
    this.limiter = new RateLimiter(runtime.config.RATE_LIMIT_PER_MINUTE, runtime.config.RATE_LIMIT_BURST);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const rule: AccessRule = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)
      ? { public: true }
      : { allow: this.reflector.getAllAndOverride<Role[] | undefined>(ALLOW_KEY, targets) };
    const type = context.getType<string>();

    if (type === 'graphql') {
      const gql = GqlExecutionContext.create(context);
      const authentication = gql.getContext<Partial<AuthenticatedContext>>().authentication ?? { actor: null, refusal: 'unauthenticated' };
      const actor = orThrow(admit(authentication, rule, context.getHandler().name));
      if (actor && !rule.public && gql.getInfo().parentType.name === 'Mutation') {
        const wait = this.limiter.take(actor.id);
        if (wait > 0) throw new AppError(ErrorCode.TOO_MANY_REQUESTS, `Too many changes from this credential; retry in ${wait} s`, { retryAfterSeconds: wait });
      }
      return true;
    }

    if (type === 'http') {
      const request = context.switchToHttp().getRequest<HttpRequest>();
      // a public route never touches the credential store: /health/ready must answer while it is away
      if (rule.public) return true;
      const authentication = await this.authenticator.authenticate(request);
      const actor = orThrow(admit(authentication, rule, `${request.method} ${request.routeOptions?.url ?? request.url}`));
      if (actor) admitted.set(request, actor);
      return true;
    }

    throw new AppError(ErrorCode.FORBIDDEN, `No access rule applies to a ${type} call`);
  }
}

function orThrow(outcome: Actor | null | AppError): Actor | null {
  if (outcome instanceof AppError) throw outcome;
  return outcome;
}
