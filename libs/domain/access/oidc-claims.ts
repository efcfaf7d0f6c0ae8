import type { Actor, Role } from '../actor';

/**
 * How an identity provider's claims become an `Actor` (issue 19): pure, so the mapping an operator
 * configures is checked at boot by the same code that applies it to every token.
 *
 * - The role comes from one claim (OIDC_ROLE_CLAIM, e.g. `groups` or `roles`): a string or a list of
 *   strings, each looked up in OIDC_ROLE_MAP (`IdP value=tracker role`, comma-separated). Several mapped
 *   values: the widest role wins (admin, then liaison, then viewer).
 * - A liaison's sectors come from another claim (OIDC_SECTORS_CLAIM): a list, or a string separated by
 *   spaces or commas, of sector codes. A liaison without one has no scope, so it is refused.
 * - Reporters are never mapped: a reporter belongs to one organisation, which comes from a link or an
 *   API token an administrator makes, not from an agency's directory.
 */

export type StaffRole = Extract<Role, 'admin' | 'liaison' | 'viewer'>;
const STAFF_ROLES: readonly StaffRole[] = ['admin', 'liaison', 'viewer'];

export interface ClaimMapping {
  roleClaim: string;
  roles: ReadonlyMap<string, StaffRole>;
  sectorsClaim: string;
}

/** Parses OIDC_ROLE_MAP (`tracker-admins=admin,tracker-liaisons=liaison`): the map, or what is wrong with it. */
export function parseRoleMap(text: string): { roles: Map<string, StaffRole>; problem?: undefined } | { roles?: undefined; problem: string } {
  const roles = new Map<string, StaffRole>();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf('=');
    const value = at > 0 ? entry.slice(0, at).trim() : '';
    const role = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!value || !role) return { problem: `"${entry}" is not VALUE=ROLE` };
    if (!(STAFF_ROLES as readonly string[]).includes(role))
      return { problem: `"${entry}" maps to ${role || 'nothing'}; a role is one of ${STAFF_ROLES.join(', ')} (reporters come through links or API tokens)` };
    if (roles.has(value) && roles.get(value) !== role) return { problem: `"${value}" is mapped twice, to ${roles.get(value)} and ${role}` };
    roles.set(value, role as StaffRole);
  }
  if (roles.size === 0) return { problem: 'maps nothing: give at least one VALUE=ROLE' };
  return { roles };
}

const SECTOR = /^[A-Z][A-Z0-9_]{1,31}$/;
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** Why a verified identity gets no actor: it maps to no role, or to a liaison without sectors. */
export type Unmapped = { reason: 'no-role'; values: string[] } | { reason: 'no-sectors' };

/**
 * The actor of a verified token's claims. Its id is `oidc:<sub>`, so the audit names the person the
 * identity provider vouched for; its label is the person's name, e-mail or user name.
 */
export function actorFromClaims(claims: Record<string, unknown>, mapping: ClaimMapping): Actor | Unmapped {
  const values = typeof claims[mapping.roleClaim] === 'string' ? [claims[mapping.roleClaim] as string] : strings(claims[mapping.roleClaim]);
  const mapped = new Set(values.map((v) => mapping.roles.get(v)).filter((r): r is StaffRole => !!r));
  const role = STAFF_ROLES.find((r) => mapped.has(r));
  if (!role) return { reason: 'no-role', values };
  const sub = String(claims.sub);
  const label = [claims.name, claims.email, claims.preferred_username].find((v): v is string => typeof v === 'string' && v.trim() !== '') ?? sub;
  const actor: Actor = { id: `oidc:${sub}`, role, label: label.trim().slice(0, 200) };
  if (role === 'liaison') {
    const sectors = [
      ...new Set(
        strings(claims[mapping.sectorsClaim])
          .map((s) => s.toUpperCase())
          .filter((s) => SECTOR.test(s)),
      ),
    ];
    if (sectors.length === 0) return { reason: 'no-sectors' };
    actor.sectors = sectors;
  }
  return actor;
}

export const isUnmapped = (result: Actor | Unmapped): result is Unmapped => 'reason' in result;

/**
 * What a failed verification means for the caller, from jose's error code (jose itself is an ES module
 * that unit specs cannot load, so the decision is made here on its codes). The token's own faults
 * (signature, expiry, audience, issuer, algorithm, an unknown key) are `unauthenticated`; the keys that
 * could not be fetched (a timeout, a refused connection, a non-200 answer) are `unavailable`.
 */
export function verificationRefusal(code: string | undefined): 'unauthenticated' | 'unavailable' {
  if (!code || code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC' || code === 'ERR_JWKS_INVALID') return 'unavailable';
  return 'unauthenticated';
}

/** A compact JWS (three base64url parts), the only shape of an identity provider's bearer token. */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) && token.length < 16_384;
