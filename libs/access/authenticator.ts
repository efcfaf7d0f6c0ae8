import { Injectable, Logger } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { CredentialsService } from './credentials.service';
import { Authentication, CredentialOptions, presentedCredential } from './authentication';

/**
 * The one door for credentials. Every edge that needs to know who is calling asks here and nowhere else:
 * the GraphQL context (libs/graphql/graphql-api.module.ts), the AccessGuard for every REST route
 * (access.guard.ts), and the Bull Board plugin that Fastify serves outside Nest's router
 * (libs/http/queue-board.ts). It turns a request into an `Actor` or a typed refusal (authentication.ts).
 *
 * Identity-provider seam: this is the one place where a second kind of credential plugs in. An OIDC
 * deployment adds a branch in `authenticate` for a token that is a JWT (three base64url parts): verify it
 * against the provider's JWKS (e.g. jose's createRemoteJWKSet + jwtVerify, issuer and audience pinned),
 * map its claims (role, sector list, organisation id) to the same `Actor`, and answer `unauthenticated`
 * for a bad signature or an expired token, `unavailable` when the JWKS cannot be fetched. Guards, scope
 * and audit need no change.
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger('Authenticator');

  constructor(private readonly credentials: CredentialsService) {}

  async authenticate(request: { headers: IncomingHttpHeaders }, options: CredentialOptions = {}): Promise<Authentication> {
    const token = presentedCredential(request.headers.authorization, options);
    if (!token) return { actor: null, refusal: 'unauthenticated' };
    // (an OIDC JWT would be recognised and verified here, before the API-token lookup)
    try {
      const actor = await this.credentials.authenticate(token);
      return actor ? { actor } : { actor: null, refusal: 'unauthenticated' };
    } catch (error) {
      this.logger.warn(`credentials could not be checked: ${(error as Error)?.message ?? String(error)}`);
      return { actor: null, refusal: 'unavailable' };
    }
  }
}
