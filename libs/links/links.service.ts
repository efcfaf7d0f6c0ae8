import { Inject, Injectable, Logger } from '@nestjs/common';
import Tokens from '@fastify/csrf';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '@libs/audit/audit.service';
import { Clock } from '@libs/core/clock/clock';
import { AppError } from '@libs/core/errors/app-error';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import type { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { LinkContact, LinksRepository } from '@libs/data/links.repository';
import { OrganisationRepository } from '@libs/data/organisation.repository';
import type { Actor } from '@libs/domain/actor';
import { LINK_REQUEST_LIMITS, linkExpiresAt, linkRequestWindow, maskedEmail } from '@libs/domain/links/link-rules';
import { programmeOfPayload, ReminderPayload } from '@libs/domain/reminders/reminder-payload';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { LinkClaims, LinkTokens } from './link-tokens';

/** What opening a link finds: it opens, or why not (and, when the link is ours, whose it was, to send them a fresh one). */
export type LinkCheck =
  | { state: 'open'; claims: LinkClaims; contact: LinkContact; programme: ProgrammeEntity }
  | { state: 'expired' | 'revoked'; claims: LinkClaims; contact: LinkContact | null }
  | { state: 'tampered' };

/** A link message queued for a contact (or not, when one went in this window or the day's were used). */
export interface LinkSent {
  contactId: string;
  name: string;
  sentTo: string;
  queued: boolean;
}

/** CSRF tokens per session (a secret each), bound to the session's contact. */
export interface MeView {
  id: string;
  kind: 'CREDENTIAL' | 'LINK';
  role: string;
  label: string;
  sectors: string[];
  organisation: { id: string; name: string; externalKey: string } | null;
  contact: { id: string; name: string; email: string; role: string } | null;
  programme: { id: string; key: string; name: string; updatesCutoff: Date };
}

const csrf = new Tokens({ userInfo: true });
const sessionId = (cookie: string) => createHash('sha256').update(cookie).digest('hex');
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Links for the people reminders reach (issue 17): made for one contact, one organisation and one
 * programme; opened (a form's POST, never a GET: mail scanners fetch links) into a short session that
 * acts as a reporter of that organisation only, through the same GraphQL API and scope rules; rotated by
 * staff; sent afresh to the contact's own address when one has run out.
 */
@Injectable()
export class LinksService {
  private readonly logger = new Logger('Links');
  readonly sessionMinutes: number;
  readonly publicUrl: string;
  /**
   * The session cookie: HttpOnly, SameSite=Strict, Path=/; Secure (and then named with the __Host- prefix,
   * which browsers keep to this host over https) whenever the tracker is reached over https, and always in production.
   */
  readonly cookie: { name: string; secure: boolean };

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly tokens: LinkTokens,
    private readonly programmes: ProgrammesService,
    private readonly audit: AuditService,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.sessionMinutes = runtime.config.LINK_SESSION_MINUTES;
    this.publicUrl = runtime.config.publicUrl;
    const secure = runtime.config.NODE_ENV === 'production' || this.publicUrl.startsWith('https:');
    this.cookie = { name: secure ? '__Host-tracker-link' : 'tracker-link', secure };
  }

  /** What a link is now. Reading it changes nothing. */
  async check(token: string): Promise<LinkCheck> {
    const reading = await this.tokens.read(token, this.clock.now());
    if (!reading.claims) return { state: 'tampered' };
    const { claims } = reading;
    const contact = await LinksRepository.contact(this.dataSource.manager, claims.programmeId, claims.contactId, claims.organisationId);
    if (!contact || contact.generation !== claims.generation) return { state: 'revoked', claims, contact };
    if (reading.problem === 'expired') return { state: 'expired', claims, contact };
    const programme = await this.programmes.get(claims.programmeId).catch(() => null);
    if (!programme) return { state: 'revoked', claims, contact };
    return { state: 'open', claims, contact, programme };
  }

  /** Opens a session for a link that opens: the cookie's value (kept only as its hash) and its end. */
  async open(token: string): Promise<{ check: LinkCheck; cookie?: string; maxAgeSeconds?: number }> {
    const check = await this.check(token);
    if (check.state !== 'open') return { check };
    const now = this.clock.now();
    const cookie = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Math.min(now.getTime() + this.sessionMinutes * 60_000, check.claims.expiresAt.getTime()));
    await LinksRepository.openSession(this.dataSource.manager, sessionId(cookie), check.contact, check.claims.programmeId, csrf.secretSync(), now, expiresAt);
    this.logger.log(`link opened by contact ${check.contact.contactId} of organisation ${check.contact.organisationId}`);
    // the cookie's life in seconds, not an instant: the application's clock may be a drill's simulated one
    return { check, cookie, maxAgeSeconds: Math.max(1, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)) };
  }

  /**
   * The actor of a session cookie, or null (no such session, ended, or its contact removed or rotated).
   * `csrfToken`: what the request carries in x-csrf-token; `needsCsrf` for anything that can change state.
   */
  async actorOf(cookie: string, csrfToken: string | undefined, needsCsrf: boolean): Promise<Actor | 'csrf' | null> {
    if (!COOKIE_VALUE.test(cookie)) return null;
    const session = await LinksRepository.session(this.dataSource.manager, sessionId(cookie), this.clock.now());
    if (!session) return null;
    if (needsCsrf && !(csrfToken && csrf.verify(session.csrfSecret, csrfToken, session.contactId))) return 'csrf';
    return {
      id: `link:${session.contactId}`,
      role: 'reporter',
      label: `${session.contactName} (through a link)`,
      organisationId: session.organisationId,
      link: { contactId: session.contactId, programmeId: session.programmeId },
    };
  }

  /** A fresh CSRF token for the page of a live session (any number may be made; each verifies). */
  async csrfTokenOf(cookie: string): Promise<{ token: string; expiresAt: Date } | null> {
    if (!COOKIE_VALUE.test(cookie)) return null;
    const session = await LinksRepository.session(this.dataSource.manager, sessionId(cookie), this.clock.now());
    return session ? { token: csrf.create(session.csrfSecret, session.contactId), expiresAt: session.expiresAt } : null;
  }

  async close(cookie: string): Promise<void> {
    if (COOKIE_VALUE.test(cookie)) await LinksRepository.closeSession(this.dataSource.manager, sessionId(cookie));
  }

  /** Who a caller is, for `me`: the credential or link, its organisation (a reporter's), its contact and programme (a link's). */
  async me(actor: Actor): Promise<MeView> {
    const programme = actor.link ? await this.programmes.get(actor.link.programmeId) : await this.programmes.resolve(null);
    const manager = this.dataSource.manager;
    const contact =
      actor.link && actor.organisationId ? await LinksRepository.contact(manager, programme.id, actor.link.contactId, actor.organisationId) : null;
    const organisation = contact
      ? { id: contact.organisationId, name: contact.organisationName, externalKey: contact.externalKey }
      : actor.organisationId
        ? { id: actor.organisationId, ...(await LinksRepository.organisationName(manager, actor.organisationId))! }
        : null;
    return {
      id: actor.id,
      kind: actor.link ? 'LINK' : 'CREDENTIAL',
      role: actor.role,
      label: actor.label,
      sectors: actor.sectors ?? [],
      organisation,
      contact: contact ? { id: contact.contactId, name: contact.contactName, email: contact.email, role: contact.role } : null,
      programme: { id: programme.id, key: programme.key, name: programme.name, updatesCutoff: new Date(programme.updatesCutoff) },
    };
  }

  /** A signed link for a contact of an organisation, about a programme, at `now`. */
  async linkFor(claims: LinkClaims): Promise<string> {
    return `${this.publicUrl}/link/${await this.tokens.sign(claims)}`;
  }

  /**
   * A fresh link to the contact's own address, asked for from the page of a link that no longer opens
   * (or still does). Anyone holding the old link may ask, but the new one goes only to the contact, at
   * most once per window and a few times a day. Answers the address as the page may show it, or null
   * when the link names no contact any more.
   */
  async renew(token: string): Promise<{ maskedTo: string; queued: boolean } | null> {
    const check = await this.check(token);
    if (check.state === 'tampered' || !check.contact) return null;
    const programme = await this.programmes.get(check.claims.programmeId).catch(() => null);
    if (!programme) return null;
    const [sent] = await this.queue(programme, [check.contact], 'LINK');
    return { maskedTo: maskedEmail(check.contact.email), queued: sent.queued };
  }

  /** A liaison or admin sends contacts of an organisation in their scope their links (an invitation). */
  async invite(actor: Actor, where: { organisationId?: string; contactIds?: string[] }, programmeKey?: string | null): Promise<LinkSent[]> {
    const programme = await this.programmes.resolve(programmeKey);
    const contacts = await LinksRepository.contactsInScope(this.dataSource.manager, actor, programme.id, where);
    if (contacts.length === 0) {
      if (where.contactIds || !where.organisationId) throw AppError.notFound('Contact', (where.contactIds ?? []).join(', '));
      // in scope but without a contact (NOT_FOUND when out of scope, as for an id that is not there)
      await OrganisationRepository.getInScope(this.dataSource.manager, actor, where.organisationId);
      throw AppError.badInput('organisationId', 'the organisation has no contacts to invite: add them with updateOrganisation first');
    }
    return this.queue(programme, contacts, 'INVITATION');
  }

  /** Every link and session of a contact stops at once; links sent from now on work. */
  async rotate(actor: Actor, contactId: string): Promise<LinkContact> {
    const programme = await this.programmes.resolve(null);
    const [contact] = await LinksRepository.contactsInScope(this.dataSource.manager, actor, programme.id, { contactIds: [contactId] });
    if (!contact) throw AppError.notFound('Contact', contactId);
    return this.dataSource.transaction(async (manager) => {
      const generation = await LinksRepository.rotate(manager, contactId);
      if (generation === null) throw AppError.notFound('Contact', contactId);
      await this.audit.record(manager, actor, [
        {
          organisationId: contact.organisationId,
          entityType: 'contact',
          entityId: contactId,
          action: 'rotate_links',
          before: { linkGeneration: contact.generation },
          after: { linkGeneration: generation },
        },
      ]);
      return { ...contact, generation };
    });
  }

  private async queue(programme: ProgrammeEntity, contacts: LinkContact[], kind: 'INVITATION' | 'LINK'): Promise<LinkSent[]> {
    const now = this.clock.now();
    const stage = `${kind === 'INVITATION' ? 'INVITE' : 'LINK'}:${linkRequestWindow(now)}`;
    const expires = linkExpiresAt(now, new Date(programme.updatesCutoff), programme.reminderLadder).toISOString();
    const messages = contacts.map((contact) => {
      const payload: ReminderPayload = {
        kind,
        programme: programmeOfPayload(programme),
        stage,
        level: 1,
        lagging: [],
        linkExpiresAt: expires,
        organisation: {
          id: contact.organisationId,
          name: contact.organisationName,
          externalKey: contact.externalKey,
          sector: contact.sector,
          status: contact.status ?? 'NOT_REPORTING',
        },
      };
      return { contact, stage, payload };
    });
    const queued = await LinksRepository.queue(this.dataSource.manager, programme.id, messages, now, LINK_REQUEST_LIMITS.perDay);
    return contacts.map((c) => ({ contactId: c.contactId, name: c.contactName, sentTo: c.email, queued: queued.has(c.contactId) }));
  }
}
