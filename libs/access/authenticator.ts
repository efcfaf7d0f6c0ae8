import { Injectable, Logger } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import { LinksService } from '../links/links.service';
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

  constructor(private readonly credentials: CredentialsService, private readonly links: LinksService) {}

  async authenticate(request: { headers: IncomingHttpHeaders }, options: CredentialOptions = {}): Promise<Authentication> {
    const token = presentedCredential(request.headers.authorization, options);
    if (!token) return this.linkSession(request.headers);
    // (an OIDC JWT would be recognised and verified here, before the API-token lookup)
    try {
      const actor = await this.credentials.authenticate(token);
      return actor ? { actor } : { actor: null, refusal: 'unauthenticated' };
    } catch (error) {
      this.logger.warn(`credentials could not be checked: ${(error as Error)?.message ?? String(error)}`);
      return { actor: null, refusal: 'unavailable' };
    }
  }

  /**
   * Without an Authorization header, a session opened by a link (libs/links): its cookie, and on every
   * request the CSRF token its page was given (x-csrf-token), so another site can make a browser send the
   * cookie (SameSite=Strict already stops most) but never a request that acts.
   */
  private async linkSession(headers: IncomingHttpHeaders): Promise<Authentication> {
    const cookie = headers.cookie ? fastifyCookie.parse(headers.cookie)[this.links.cookie.name] : undefined;
    if (!cookie) return { actor: null, refusal: 'unauthenticated' };
    try {
      const csrf = headers['x-csrf-token'];
      const actor = await this.links.actorOf(cookie, Array.isArray(csrf) ? csrf[0] : csrf, true);
      if (actor === 'csrf') return { actor: null, refusal: 'csrf' };
      return actor ? { actor } : { actor: null, refusal: 'unauthenticated' };
    } catch (error) {
      this.logger.warn(`a link session could not be checked: ${(error as Error)?.message ?? String(error)}`);
      return { actor: null, refusal: 'unavailable' };
    }
  }
}
