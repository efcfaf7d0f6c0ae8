import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { LinksRepository } from '@libs/data/links.repository';

/** What a link names: one contact, one organisation, one programme, the contact's link generation, and its end. */
export interface LinkClaims {
  contactId: string;
  organisationId: string;
  programmeId: string;
  generation: number;
  expiresAt: Date;
}

/** A link that does not open: tampered (or not a link at all), or past its end (whose claims are still known, signature checked). */
export type LinkReading =
  { claims: LinkClaims; problem?: undefined } | { claims: LinkClaims; problem: 'expired' } | { claims?: undefined; problem: 'tampered' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A compact JWS, and no more than a link can carry: anything longer is not ours. */
const TOKEN = /^[A-Za-z0-9_-]{10,200}\.[A-Za-z0-9_-]{10,600}\.[A-Za-z0-9_-]{43}$/;

/**
 * Signed links with jose: a JWT (HS256) whose key is made by PostgreSQL (migration 0032) and shared by
 * every process through the database. The newest key signs; a key is found by its `kid`. The token holds
 * ids only (no name or address), and `exp`; revocation is the contact's generation, checked against the
 * database by whoever opens the link (libs/links/links.service.ts), never by the token alone.
 */
@Injectable()
export class LinkTokens {
  private keys: Promise<Map<number, Buffer>> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  private async keyring(): Promise<Map<number, Buffer>> {
    this.keys ??= LinksRepository.keys(this.dataSource.manager).then((rows) => new Map(rows.map((k) => [k.id, k.secret])));
    try {
      return await this.keys;
    } catch (error) {
      this.keys = null; // the database was away: ask again next time
      throw error;
    }
  }

  async sign(claims: LinkClaims): Promise<string> {
    const keys = await this.keyring();
    const kid = Math.max(...keys.keys());
    return new SignJWT({ o: claims.organisationId, p: claims.programmeId, g: claims.generation })
      .setProtectedHeader({ alg: 'HS256', kid: String(kid) })
      .setSubject(claims.contactId)
      .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
      .sign(keys.get(kid)!);
  }

  /** Reads a link's token at `now` (the application's clock, so a drill's simulated time counts). */
  async read(token: string, now: Date): Promise<LinkReading> {
    if (!TOKEN.test(token)) return { problem: 'tampered' };
    const keys = await this.keyring();
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = keys.get(Number(header.kid));
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        { algorithms: ['HS256'], currentDate: now, clockTolerance: 0 },
      );
      const claims = claimsOf(payload);
      return claims ? { claims } : { problem: 'tampered' };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        const claims = claimsOf(error.payload);
        return claims ? { claims, problem: 'expired' } : { problem: 'tampered' };
      }
      if (error instanceof errors.JOSEError) return { problem: 'tampered' };
      throw error;
    }
  }
}

function claimsOf(payload: Record<string, unknown>): LinkClaims | null {
  const { sub, o, p, g, exp } = payload as { sub?: unknown; o?: unknown; p?: unknown; g?: unknown; exp?: unknown };
  if (typeof sub !== 'string' || typeof o !== 'string' || typeof p !== 'string' || !UUID.test(sub) || !UUID.test(o) || !UUID.test(p)) return null;
  if (!Number.isInteger(g) || !Number.isInteger(exp)) return null;
  return { contactId: sub, organisationId: o, programmeId: p, generation: g as number, expiresAt: new Date((exp as number) * 1000) };
}
