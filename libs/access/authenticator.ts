import { Injectable, Logger } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import { looksLikeJwt } from '@libs/domain/access/oidc-claims';
import { LinksService } from '@libs/links/links.service';
import { CredentialsService } from './credentials.service';
import { Authentication, CredentialOptions, presentedCredential } from './authentication';
import { OidcService } from './oidc.service';
import { StaffSessionsService } from './staff-sessions.service';

/**
 * The one door for credentials. Every edge that needs to know who is calling asks here and nowhere else:
 * the GraphQL context (libs/graphql/graphql-api.module.ts), the AccessGuard for every REST route
 * (access.guard.ts), and the Bull Board plugin that Fastify serves outside Nest's router
 * (libs/http/queue-board.ts). It turns a request into an `Actor` or a typed refusal (authentication.ts).
 *
 * What it takes:
 * - `Authorization: Bearer <JWT>` when an identity provider is configured (OIDC_ISSUER): verified against
 *   the provider's keys (oidc.service.ts) and mapped to an actor `oidc:<sub>`; a bad signature, an expired
 *   token or another audience is `unauthenticated`, keys that cannot be fetched `idp-unavailable`, a
 *   person the mapping gives no role `no-role`.
 * - `Authorization: Bearer <own API token>` (ktt_…), for machines and for deployments without a provider.
 * - Without an Authorization header, a page's session cookie with its CSRF token (x-csrf-token): a staff
 *   session opened by signing in through the provider, or a session opened by a link (libs/links).
 * Guards, scope and audit see only the `Actor`.
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger('Authenticator');

  constructor(
    private readonly credentials: CredentialsService,
    private readonly links: LinksService,
    private readonly oidc: OidcService,
    private readonly staff: StaffSessionsService,
  ) {}

  async authenticate(request: { headers: IncomingHttpHeaders }, options: CredentialOptions = {}): Promise<Authentication> {
    const token = presentedCredential(request.headers.authorization, options);
    if (!token) return this.session(request.headers);
    if (this.oidc.config && looksLikeJwt(token)) return this.identityProvider(token);
    try {
      const actor = await this.credentials.authenticate(token);
      return actor ? { actor } : { actor: null, refusal: 'unauthenticated' };
    } catch (error) {
      this.logger.warn(`credentials could not be checked: ${(error as Error)?.message ?? String(error)}`);
      return { actor: null, refusal: 'unavailable' };
    }
  }

  private async identityProvider(token: string): Promise<Authentication> {
    const outcome = await this.oidc.verifyBearer(token);
    if ('actor' in outcome) return { actor: outcome.actor };
    if ('unmapped' in outcome) return { actor: null, refusal: 'no-role' };
    return { actor: null, refusal: outcome.refusal === 'unavailable' ? 'idp-unavailable' : 'unauthenticated' };
  }

  /**
   * Without an Authorization header, a page's session: its cookie, and on every request the CSRF token its
   * page was given (x-csrf-token), so another site can make a browser send the cookie (SameSite=Strict
   * already stops most) but never a request that acts. A browser may hold both a staff session and a
   * link's: the staff session answers when its CSRF token came, the link's otherwise.
   */
  private async session(headers: IncomingHttpHeaders): Promise<Authentication> {
    const cookies = headers.cookie ? fastifyCookie.parse(headers.cookie) : {};
    const staffCookie = cookies[this.staff.cookie.name];
    const linkCookie = cookies[this.links.cookie.name];
    const csrfHeader = headers['x-csrf-token'];
    const csrf = Array.isArray(csrfHeader) ? csrfHeader[0] : csrfHeader;
    let staff: Authentication | null = null;
    if (staffCookie) {
      staff = await this.checked('a staff session', () => this.staff.actorOf(staffCookie, csrf));
      if (staff.actor || !linkCookie) return staff;
    }
    if (linkCookie) {
      const link = await this.checked('a link session', () => this.links.actorOf(linkCookie, csrf, true));
      return link.actor || !staff ? link : staff;
    }
    return { actor: null, refusal: 'unauthenticated' };
  }

  private async checked(what: string, check: () => Promise<Awaited<ReturnType<StaffSessionsService['actorOf']>>>): Promise<Authentication> {
    try {
      const actor = await check();
      if (actor === 'csrf') return { actor: null, refusal: 'csrf' };
      return actor ? { actor } : { actor: null, refusal: 'unauthenticated' };
    } catch (error) {
      this.logger.warn(`${what} could not be checked: ${(error as Error)?.message ?? String(error)}`);
      return { actor: null, refusal: 'unavailable' };
    }
  }
}
