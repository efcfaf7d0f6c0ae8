import { SetMetadata } from '@nestjs/common';
import type { Role } from '../../domain/actor';

export const ALLOW_KEY = 'access:allow';
export const PUBLIC_KEY = 'access:public';

/** The roles that may call an operation. An operation without it is refused: deny by default. */
export const Allow = (...roles: Exclude<Role, 'system'>[]) => SetMetadata(ALLOW_KEY, roles);

/** Reference data anyone may read without a token: sectors, states, products, programmes. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
