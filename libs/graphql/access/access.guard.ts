import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AppError, ErrorCode } from '../../core/errors/app-error';
import { gqlContext } from '../context';
import { RUNTIME, Runtime } from '../../core/runtime/runtime';
import type { Role } from '../../domain/actor';
import { ALLOW_KEY, PUBLIC_KEY } from './access.decorators';
import { RateLimiter } from '../../access/rate-limiter';

/**
 * Every GraphQL operation names who may call it; anything unnamed is refused (deny by default).
 * Mutations are rate-limited per credential. Row scope is not decided here but in SQL
 * (libs/access/scope.ts), so nested fields, filters and totals cannot leak past it.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(private readonly reflector: Reflector, @Inject(RUNTIME) runtime: Runtime) {
    this.limiter = new RateLimiter(runtime.config.RATE_LIMIT_PER_MINUTE, runtime.config.RATE_LIMIT_BURST);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== 'graphql') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const { actor, credentialsUnavailable } = gqlContext(context);
    if (!actor && credentialsUnavailable) throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable; retry shortly');
    if (!actor) throw new AppError(ErrorCode.UNAUTHENTICATED, 'A valid bearer token is required (Authorization: Bearer <token>)');
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOW_KEY, targets);
    if (!allowed || !allowed.includes(actor.role)) {
      throw new AppError(ErrorCode.FORBIDDEN, `A ${actor.role} may not call ${context.getHandler().name}`);
    }
    if (GqlExecutionContext.create(context).getInfo().parentType.name === 'Mutation') {
      const wait = this.limiter.take(actor.id);
      if (wait > 0) throw new AppError(ErrorCode.TOO_MANY_REQUESTS, `Too many changes from this credential; retry in ${wait} s`, { retryAfterSeconds: wait });
    }
    return true;
  }
}
