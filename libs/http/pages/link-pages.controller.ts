import { Controller, Get, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/cookie';
import { Public } from '@libs/access/access.decorators';
import { maskedEmail } from '@libs/domain/links/link-rules';
import { LinkCheck, LinksService } from '@libs/links/links.service';
import { html, Html, page } from './html';
import { PAGE_CSP } from './page-files';

/**
 * What a link in a message opens (issue 17). A GET never changes anything (mail scanners fetch links):
 * it shows who the link is for and a button; only the form's POST opens a session (a cookie) and goes
 * to the report page. A link that does not open gets a page that says why and what to do, with a button
 * that sends a fresh link to the contact's own address (rate-limited), never a stack or a blank.
 */
@ApiTags('links')
@Public()
@Controller('link')
export class LinkPagesController {
  private readonly logger = new Logger('LinkPages');

  constructor(private readonly links: LinksService) {}

  /** The report page's session: its CSRF token and end, or 401 (the page then says to open the link again). */
  @Get('session')
  async session(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    const cookie = this.cookieOf(request);
    const session = cookie ? await this.links.csrfTokenOf(cookie).catch(() => 'unavailable' as const) : null;
    if (session === 'unavailable')
      return reply.code(503).send({ error: 'SERVICE_UNAVAILABLE', message: 'The tracker cannot check your session just now; try again in a minute' });
    if (!session) return reply.code(401).send({ error: 'UNAUTHENTICATED', message: 'Your session has ended: open the link in your e-mail again' });
    return reply.send({ csrfToken: session.token, expiresAt: session.expiresAt.toISOString() });
  }

  @Post('sign-out')
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (crossSite(request)) return this.crossSite(reply);
    const cookie = this.cookieOf(request);
    if (cookie) await this.links.close(cookie).catch(() => undefined);
    reply.clearCookie(this.links.cookie.name, this.cookieOptions());
    return this.send(reply, 200, 'You are signed out', html`<p>Your session has ended. To report again, open the link in your most recent e-mail.</p>`);
  }

  @Get(':token')
  async view(@Param('token') token: string, @Res() reply: FastifyReply) {
    const check = await this.check(token);
    if (check === 'unavailable') return this.unavailable(reply);
    if (check.state !== 'open') return this.refused(reply, token, check);
    const { contact, programme } = check;
    return this.send(
      reply,
      200,
      `${contact.organisationName}: ${programme.name}`,
      html` <p>
          This link was sent to <strong>${contact.contactName}</strong> (${maskedEmail(contact.email)}) to report ${contact.organisationName}'s progress.
        </p>
        <form method="post" action="/link/${token}">
          <button type="submit">Continue to the report page</button>
        </form>
        <p class="muted">
          Opening this page changed nothing. The report page opens for ${this.minutes()} minutes; the link in your e-mail opens it again until
          ${check.claims.expiresAt.toUTCString()}.
        </p>
        <p class="muted">Not ${contact.contactName}? Do not continue: tell your sector liaison, who can stop this link.</p>`,
    );
  }

  @Post(':token')
  async open(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (crossSite(request)) return this.crossSite(reply);
    let opened: Awaited<ReturnType<LinksService['open']>>;
    try {
      opened = await this.links.open(token);
    } catch (error) {
      this.logger.warn(`a link could not be opened: ${(error as Error).message}`);
      return this.unavailable(reply);
    }
    if (!opened.cookie) return this.refused(reply, token, opened.check);
    reply.setCookie(this.links.cookie.name, opened.cookie, { ...this.cookieOptions(), maxAge: opened.maxAgeSeconds });
    return reply.code(303).header('location', '/report').header('cache-control', 'no-store').send();
  }

  @Post(':token/renew')
  async renew(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (crossSite(request)) return this.crossSite(reply);
    let renewed: Awaited<ReturnType<LinksService['renew']>>;
    try {
      renewed = await this.links.renew(token);
    } catch (error) {
      this.logger.warn(`a fresh link could not be queued: ${(error as Error).message}`);
      return this.unavailable(reply);
    }
    if (!renewed) {
      return this.send(
        reply,
        400,
        'We cannot send a new link from this one',
        html`<p>This link does not name anyone we can send a new link to. Ask your sector liaison to send you a new invitation.</p>`,
      );
    }
    if (!renewed.queued) {
      return this.send(
        reply,
        429,
        'A new link is already on its way',
        html`<p>
          A new link was sent to ${renewed.maskedTo} a few minutes ago (or today's were used). Check that inbox, including its spam folder, before asking again.
        </p>`,
      );
    }
    return this.send(
      reply,
      202,
      'A new link is on its way',
      html`<p>We are e-mailing a new link to ${renewed.maskedTo}. It should arrive within a few minutes.</p>`,
    );
  }

  private async check(token: string): Promise<LinkCheck | 'unavailable'> {
    try {
      return await this.links.check(token);
    } catch (error) {
      this.logger.warn(`a link could not be checked: ${(error as Error).message}`);
      return 'unavailable';
    }
  }

  /** Why a link does not open, and what to do. */
  private refused(reply: FastifyReply, token: string, check: LinkCheck) {
    const renew = (who: string) =>
      html` <form method="post" action="/link/${token}/renew">
          <button type="submit">Send me a new link</button>
        </form>
        <p class="muted">The new link goes only to ${who}, the address this one was sent to.</p>`;
    switch (check.state) {
      case 'expired':
        return this.send(
          reply,
          410,
          'This link has expired',
          html` <p>
              Links in reminders open for a limited time, so that an old e-mail cannot be used by someone else. This one ended on
              ${check.claims.expiresAt.toUTCString()}.
            </p>
            ${check.contact ? renew(maskedEmail(check.contact.email)) : html`<p>Ask your sector liaison for a new invitation.</p>`}`,
        );
      case 'revoked':
        return this.send(
          reply,
          410,
          'This link no longer works',
          html` <p>
              It was replaced by a newer link, or withdrawn by your sector liaison (for example because it was forwarded), or the contact it was made for was
              removed.
            </p>
            ${check.contact ? renew(maskedEmail(check.contact.email)) : html`<p>Ask your sector liaison to add you as a contact and send you an invitation.</p>`}`,
        );
      case 'tampered':
      default:
        return this.send(
          reply,
          400,
          'This link is not complete',
          html` <p>The address may have been cut or changed when it was copied. Open the link straight from the e-mail, or copy all of it.</p>
            <p>If it still does not work, ask your sector liaison to send you a new invitation.</p>`,
        );
    }
  }

  /** A form posted from another site (someone else's page making this browser open a link): refused, nothing changed. */
  private crossSite(reply: FastifyReply) {
    return this.send(
      reply,
      403,
      'Open the link yourself',
      html`<p>This request came from another site, so nothing was done. Open the link from your e-mail.</p>`,
    );
  }

  private unavailable(reply: FastifyReply) {
    reply.header('retry-after', '60');
    return this.send(reply, 503, 'The tracker is busy', html`<p>We could not check your link just now. Nothing was changed. Try again in a minute.</p>`);
  }

  private send(reply: FastifyReply, status: number, title: string, body: Html) {
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'same-origin')
      .header('x-robots-tag', 'noindex')
      .send(page(title, body));
  }

  private cookieOf(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.links.cookie.name];
  }

  private cookieOptions() {
    return { httpOnly: true, secure: this.links.cookie.secure, sameSite: 'strict' as const, path: '/' };
  }

  private minutes() {
    return this.links.sessionMinutes;
  }
}

/**
 * A form posted from another site: the browser says so (Sec-Fetch-Site: anything but same-origin, or
 * none for what the user did), or, from a browser that sends no fetch metadata, the Origin names another host. Such a post could sign a browser into someone else's link, or spend a contact's fresh links.
 */
function crossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (!origin || origin === 'null') return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}
