import { Controller, Get, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/cookie';
import { Public } from '@libs/access/access.decorators';
import { OidcService, PendingSignIn } from '@libs/access/oidc.service';
import { StaffSessionsService } from '@libs/access/staff-sessions.service';
import { html, Html, page } from './html';
import { PAGE_CSP } from './page-files';

/** The pages a sign-in may come back to (never an address from the query: no open redirect). */
const RETURN_PATHS = ['/dashboard', '/work'];
const PENDING_SECONDS = 600;

/**
 * Staff sign-in through the agency's identity provider (issue 19): the authorisation code flow with
 * PKCE, with the API as the client. The browser goes to the provider and comes back with a code; the
 * API exchanges it (with the PKCE verifier, and the client secret when there is one), verifies the ID
 * token, maps its claims to a role and opens a staff session: an HttpOnly cookie the page's JavaScript
 * never sees, and a CSRF token it sends with every request. No token from the provider reaches the page.
 *
 * - GET /auth/sign-in?return=/dashboard: to the provider (state, nonce and verifier kept in a ten-minute
 *   HttpOnly cookie, SameSite=Lax so that it comes back with the provider's redirect).
 * - GET /auth/callback: the provider's redirect; a page that says what went wrong, or back to the page.
 * - GET /auth/session: what a page needs: whether sign-in is offered, who is signed in, a CSRF token.
 * - POST /auth/sign-out: ends the session here (not at the provider).
 * A browser's flow between the pages and the provider, not an API: left out of /openapi.json, as the pages are.
 */
@ApiExcludeController()
@Public()
@Controller('auth')
export class SignInController {
  private readonly logger = new Logger('SignIn');
  private readonly pendingCookie: string;

  constructor(
    private readonly oidc: OidcService,
    private readonly sessions: StaffSessionsService,
  ) {
    // __Host-: over https no other host (a sibling subdomain) can plant one, which would be a login CSRF
    this.pendingCookie = sessions.cookie.secure ? '__Host-tracker-sign-in' : 'tracker-sign-in';
  }

  @Get('sign-in')
  async signIn(@Query('return') returnTo: string | undefined, @Res() reply: FastifyReply) {
    if (!this.oidc.pagesSignIn) return this.notOffered(reply);
    const { url, pending } = await this.oidc.startSignIn(RETURN_PATHS.includes(returnTo ?? '') ? returnTo! : RETURN_PATHS[0]);
    reply.setCookie(this.pendingCookie, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
      httpOnly: true,
      secure: this.sessions.cookie.secure,
      sameSite: 'lax',
      path: '/',
      maxAge: PENDING_SECONDS,
    });
    return reply.code(303).header('location', url).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send();
  }

  @Get('callback')
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (!this.oidc.pagesSignIn) return this.notOffered(reply);
    const pending = this.pendingOf(request);
    reply.clearCookie(this.pendingCookie, { path: '/', secure: this.sessions.cookie.secure, sameSite: 'lax', httpOnly: true });
    const again = (returnTo = RETURN_PATHS[0]) => html`<p><a href="/auth/sign-in?return=${returnTo}" role="button">Sign in again</a></p>`;
    if (!pending) {
      return this.send(
        reply,
        400,
        'This sign-in cannot be finished',
        html`<p>It was not started from this browser, or it took more than ${PENDING_SECONDS / 60} minutes. Nothing was changed.</p>
          ${again()}`,
      );
    }
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const params = new URLSearchParams(query);
    if (params.has('error')) {
      return this.send(
        reply,
        401,
        'You were not signed in',
        html`<p>Your identity provider answered: ${params.get('error_description') ?? params.get('error')}.</p>
          ${again(pending.returnTo)}`,
      );
    }
    const outcome = await this.oidc.finishSignIn(query, pending);
    if ('refusal' in outcome) {
      return outcome.refusal === 'unavailable'
        ? this.unavailable(reply, 'Your identity provider could not be reached to finish signing you in.')
        : this.send(
            reply,
            401,
            'You were not signed in',
            html`<p>The answer from your identity provider could not be verified (it may have been used already, or come too late).</p>
              ${again(pending.returnTo)}`,
          );
    }
    if ('unmapped' in outcome) {
      this.logger.warn(`sign-in refused: ${outcome.label} has no mapped tracker role (${outcome.unmapped.reason})`);
      return this.send(
        reply,
        403,
        'You have no role in the tracker',
        html` <p>
            Your identity provider knows you as <strong>${outcome.label}</strong>, but
            ${outcome.unmapped.reason === 'no-sectors' ? 'you are a sector liaison without a sector' : 'none of your groups or roles gives access to the tracker'}.
          </p>
          <p>Ask the administrator of your agency's accounts to add you to the tracker's groups. Nothing was opened here.</p>`,
      );
    }
    let opened: { cookie: string; maxAgeSeconds: number };
    try {
      opened = await this.sessions.open(outcome.actor);
    } catch (error) {
      this.logger.warn(`a staff session could not be opened: ${(error as Error).message}`);
      return this.unavailable(reply, 'The tracker could not open your session.');
    }
    this.logger.log(`${outcome.actor.id} signed in as ${outcome.actor.role}`);
    reply.setCookie(this.sessions.cookie.name, opened.cookie, {
      httpOnly: true,
      secure: this.sessions.cookie.secure,
      sameSite: 'strict',
      path: '/',
      maxAge: opened.maxAgeSeconds,
    });
    return reply.code(303).header('location', pending.returnTo).header('cache-control', 'no-store').send();
  }

  @Get('session')
  async session(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    const cookie = request.cookies?.[this.sessions.cookie.name];
    const session = cookie ? await this.sessions.describe(cookie).catch(() => 'unavailable' as const) : null;
    if (session === 'unavailable')
      return reply.code(503).send({ error: 'SERVICE_UNAVAILABLE', message: 'The tracker cannot check your session just now; try again in a minute' });
    return reply.send({ signIn: this.oidc.pagesSignIn, session: session && { ...session, expiresAt: session.expiresAt.toISOString() } });
  }

  @Post('sign-out')
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const cookie = request.cookies?.[this.sessions.cookie.name];
    if (cookie) await this.sessions.close(cookie).catch(() => undefined);
    reply.clearCookie(this.sessions.cookie.name, { httpOnly: true, secure: this.sessions.cookie.secure, sameSite: 'strict', path: '/' });
    return reply.code(204).header('cache-control', 'no-store').send();
  }

  private pendingOf(request: FastifyRequest): PendingSignIn | null {
    const value = request.cookies?.[this.pendingCookie];
    if (!value || value.length > 2000) return null;
    try {
      const pending = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as PendingSignIn;
      const fields = [pending.state, pending.nonce, pending.verifier, pending.returnTo];
      return fields.every((f) => typeof f === 'string' && f.length > 0) && RETURN_PATHS.includes(pending.returnTo) ? pending : null;
    } catch {
      return null;
    }
  }

  private notOffered(reply: FastifyReply) {
    return this.send(
      reply,
      404,
      'Sign-in is not set up',
      html`<p>This tracker signs no one in through an identity provider (OIDC_ISSUER and OIDC_CLIENT_ID are not set). Use an API token.</p>`,
    );
  }

  private unavailable(reply: FastifyReply, what: string) {
    reply.header('retry-after', '60');
    return this.send(reply, 503, 'Sign-in is unavailable', html`<p>${what} Try again in a minute.</p>`);
  }

  private send(reply: FastifyReply, status: number, title: string, body: Html) {
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(page(title, body));
  }
}
