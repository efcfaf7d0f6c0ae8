import { AppError, ErrorCode } from '@libs/core/errors/app-error';
import type { Actor, Role } from '@libs/domain/actor';

/**
 * What the door (`Authenticator.authenticate`, authenticator.ts) answers for a request: the actor behind
 * its credential, or a typed refusal. Pure: no Nest, no I/O, so it is tested as it is (authentication.spec.ts).
 *
 * - `unauthenticated`: no credential, a malformed Authorization header, or a credential that is unknown,
 *   expired or revoked. All of them look the same from outside, on every edge.
 * - `csrf`: a link's session cookie came without its page's CSRF token (x-csrf-token): FORBIDDEN.
 * - `unavailable`: the credential could not be checked (the database is away). The caller may retry;
 *   this is SERVICE_UNAVAILABLE (503), never a 500 and never UNAUTHENTICATED.
 * - `idp-unavailable`: the same for a token from the identity provider whose keys could not be fetched.
 * - `no-role`: the identity provider vouched for the person (a valid token, or a page's sign-in), but the
 *   configured mapping gives their claims no tracker role (or a liaison no sector): FORBIDDEN, not
 *   UNAUTHENTICATED, since signing in again changes nothing; an administrator of the provider must.
 */
type Refusal = 'unauthenticated' | 'unavailable' | 'idp-unavailable' | 'csrf' | 'no-role';
export type Authentication = { actor: Actor; refusal?: undefined } | { actor: null; refusal: Refusal };

/** Which schemes a route accepts. Bearer everywhere; HTTP Basic (the password is the token) only where a browser must sign in. */
export interface CredentialOptions {
  basicPassword?: boolean;
}

/**
 * The credential an Authorization header presents: `Bearer <token>`, or with `basicPassword` the password
 * of `Basic base64(user:password)`. Null for a missing or malformed header. The only parser of the header.
 */
export function presentedCredential(header: string | string[] | undefined, options: CredentialOptions = {}): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(value);
  if (bearer) return bearer[1];
  const basic = options.basicPassword ? /^Basic\s+(\S+)$/i.exec(value) : null;
  if (basic) {
    // the password is all after the first colon (a token alone, without a user name, is taken whole)
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || null;
  }
  return null;
}

/** The one wording of each refusal, whichever edge answers it. */
function refusalError(refusal: Refusal): AppError {
  switch (refusal) {
    case 'csrf':
      return new AppError(ErrorCode.FORBIDDEN, "A request made with a page's session needs its page's CSRF token (x-csrf-token): reload the page");
    case 'no-role':
      return new AppError(
        ErrorCode.FORBIDDEN,
        'Your identity provider account has no role in the tracker (no group or role of yours is mapped, or a liaison has no sector): ask your administrator',
      );
    case 'unavailable':
      return new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable; retry shortly');
    case 'idp-unavailable':
      return new AppError(ErrorCode.SERVICE_UNAVAILABLE, "The identity provider's signing keys could not be fetched; retry shortly");
    case 'unauthenticated':
      return new AppError(ErrorCode.UNAUTHENTICATED, 'A valid bearer token is required (Authorization: Bearer <token>)');
  }
}

/** An operation's rule: public (no credential needed), the roles that may call it, or none (refused: deny by default). */
export type AccessRule = { public: true } | { public?: false; allow: readonly Role[] | undefined };

/**
 * The decision of the guard (and of the queue board), given what the door said: the admitted actor, or
 * the error to answer. Authentication is decided before the rule, so a caller without a valid credential
 * learns nothing about what an operation needs. An operation without a rule is refused to everyone.
 */
export function admit(authentication: Authentication, rule: AccessRule, what: string): Actor | null | AppError {
  if (rule.public) return authentication.actor;
  if (!authentication.actor) return refusalError(authentication.refusal);
  const { actor } = authentication;
  if (!rule.allow) return new AppError(ErrorCode.FORBIDDEN, `${what} declares no roles, so no one may call it (deny by default)`);
  if (!rule.allow.includes(actor.role)) return new AppError(ErrorCode.FORBIDDEN, `A ${actor.role} may not call ${what}`);
  return actor;
}
