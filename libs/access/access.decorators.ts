import { SetMetadata } from '@nestjs/common';
import type { Role } from '@libs/domain/actor';

export const ALLOW_KEY = 'access:allow';
export const PUBLIC_KEY = 'access:public';

/**
 * The roles that may call an operation: a GraphQL query or mutation, or a REST route. An operation
 * without it (and not @Public) is refused to everyone: deny by default (AccessGuard).
 */
export const Allow = (...roles: Exclude<Role, 'system'>[]) => SetMetadata(ALLOW_KEY, roles);

/**
 * Anyone may call it without a credential: the reference data (sectors, states, products, programmes,
 * serverTime), the dashboard page's static files, /health and /metrics.
 */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
