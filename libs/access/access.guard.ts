import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, ErrorCode } from '../core/errors/app-error';
import { gqlContext } from '../graphql/context';
import type { Role } from './actor';
import { ALLOW_KEY, PUBLIC_KEY } from './access.decorators';

/** Every GraphQL operation names who may call it; anything unnamed is refused. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== 'graphql') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const actor = gqlContext(context).actor;
    if (!actor) throw new AppError(ErrorCode.UNAUTHENTICATED, 'A valid bearer token is required (Authorization: Bearer <token>)');
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOW_KEY, targets);
    if (!allowed || !allowed.includes(actor.role)) {
      throw new AppError(ErrorCode.FORBIDDEN, `A ${actor.role} may not call ${context.getHandler().name}`);
    }
    return true;
  }
}
