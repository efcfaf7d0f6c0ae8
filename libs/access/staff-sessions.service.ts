import { Inject, Injectable } from '@nestjs/common';
import Tokens from '@fastify/csrf';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@libs/core/clock/clock';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import { StaffSessionsRepository } from '@libs/data/staff-sessions.repository';
import type { Actor } from '@libs/domain/actor';
import type { StaffRole } from '@libs/domain/access/oidc-claims';

const csrf = new Tokens({ userInfo: true });
const sessionId = (cookie: string) => createHash('sha256').update(cookie).digest('hex');
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
const SUBJECT = (id: string) => id.replace(/^oidc:/, '');

/**
 * Sessions that signing in through the identity provider opens for the pages (issue 19): an HttpOnly,
 * SameSite=Strict cookie, whose value is kept only as its SHA-256, and a CSRF token per session that
 * every request must carry in x-csrf-token (as link sessions do, libs/links). The role and sectors are
 * those of the sign-in, for OIDC_SESSION_MINUTES; the actor is `oidc:<sub>`, as for the same person's
 * bearer JWTs.
 */
@Injectable()
export class StaffSessionsService {
  readonly cookie: { name: string; secure: boolean };
  private readonly minutes: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    const secure = runtime.config.NODE_ENV === 'production' || runtime.config.publicUrl.startsWith('https:');
    this.cookie = { name: secure ? '__Host-tracker-staff' : 'tracker-staff', secure };
    this.minutes = runtime.config.oidc?.sessionMinutes ?? 60;
  }

  /** Opens a session for a signed-in person: the cookie's value and its life in seconds. */
  async open(actor: Actor): Promise<{ cookie: string; maxAgeSeconds: number }> {
    const now = this.clock.now();
    const cookie = randomBytes(32).toString('base64url');
    await StaffSessionsRepository.open(
      this.dataSource.manager,
      sessionId(cookie),
      {
        subject: SUBJECT(actor.id),
        role: actor.role as StaffRole,
        label: actor.label,
        sectors: actor.sectors ?? [],
        csrfSecret: csrf.secretSync(),
        expiresAt: new Date(now.getTime() + this.minutes * 60_000),
      },
      now,
    );
    return { cookie, maxAgeSeconds: this.minutes * 60 };
  }

  /** The actor of a session cookie, 'csrf' without its page's token, or null (no such session, or ended). */
  async actorOf(cookie: string, csrfToken: string | undefined): Promise<Actor | 'csrf' | null> {
    if (!COOKIE_VALUE.test(cookie)) return null;
    const session = await StaffSessionsRepository.session(this.dataSource.manager, sessionId(cookie), this.clock.now());
    if (!session) return null;
    if (!(csrfToken && csrf.verify(session.csrfSecret, csrfToken, session.subject))) return 'csrf';
    return { id: `oidc:${session.subject}`, role: session.role, label: session.label, ...(session.role === 'liaison' ? { sectors: session.sectors } : {}) };
  }

  /** What a page shows and sends: who is signed in, and a CSRF token for its requests. */
  async describe(cookie: string): Promise<{ label: string; role: string; sectors: string[]; csrfToken: string; expiresAt: Date } | null> {
    if (!COOKIE_VALUE.test(cookie)) return null;
    const session = await StaffSessionsRepository.session(this.dataSource.manager, sessionId(cookie), this.clock.now());
    return session
      ? {
          label: session.label,
          role: session.role,
          sectors: session.sectors,
          csrfToken: csrf.create(session.csrfSecret, session.subject),
          expiresAt: session.expiresAt,
        }
      : null;
  }

  async close(cookie: string): Promise<void> {
    if (COOKIE_VALUE.test(cookie)) await StaffSessionsRepository.close(this.dataSource.manager, sessionId(cookie));
  }
}
