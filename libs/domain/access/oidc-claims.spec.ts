import { actorFromClaims, ClaimMapping, isUnmapped, looksLikeJwt, parseRoleMap, verificationRefusal } from './oidc-claims';

const mapping: ClaimMapping = {
  roleClaim: 'groups',
  sectorsClaim: 'sectors',
  roles: parseRoleMap('tracker-admins=admin,tracker-liaisons=liaison,everyone=viewer').roles!,
};

describe('OIDC claims to an actor', () => {
  it('maps a group to its role, naming the subject and the person', () => {
    expect(actorFromClaims({ sub: 'u-1', name: 'Ada Admin', groups: ['staff', 'tracker-admins'] }, mapping)).toEqual({
      id: 'oidc:u-1',
      role: 'admin',
      label: 'Ada Admin',
    });
    expect(actorFromClaims({ sub: 'u-2', email: 'v@agency.gov', groups: 'everyone' }, mapping)).toEqual({
      id: 'oidc:u-2',
      role: 'viewer',
      label: 'v@agency.gov',
    });
  });

  it('takes the widest of several mapped roles', () => {
    expect(actorFromClaims({ sub: 'u', groups: ['everyone', 'tracker-liaisons', 'tracker-admins'] }, mapping)).toMatchObject({ role: 'admin' });
    expect(actorFromClaims({ sub: 'u', groups: ['everyone', 'tracker-liaisons'], sectors: ['WATER'] }, mapping)).toMatchObject({ role: 'liaison' });
  });

  it('gives a liaison the sectors of its claim, as a list or a string, and refuses one without', () => {
    expect(actorFromClaims({ sub: 'l', groups: ['tracker-liaisons'], sectors: ['water', 'ENERGY', 'WATER', 42, 'no spaces!'] }, mapping)).toMatchObject({
      sectors: ['WATER', 'ENERGY'],
    });
    expect(actorFromClaims({ sub: 'l', groups: ['tracker-liaisons'], sectors: 'WATER ENERGY,DAMS' }, mapping)).toMatchObject({
      sectors: ['WATER', 'ENERGY', 'DAMS'],
    });
    expect(actorFromClaims({ sub: 'l', groups: ['tracker-liaisons'] }, mapping)).toEqual({ reason: 'no-sectors' });
  });

  it('refuses a person whose claim maps to no role (or who has no such claim)', () => {
    const none = actorFromClaims({ sub: 'x', groups: ['contractors'] }, mapping);
    expect(isUnmapped(none)).toBe(true);
    expect(none).toEqual({ reason: 'no-role', values: ['contractors'] });
    expect(actorFromClaims({ sub: 'x' }, mapping)).toEqual({ reason: 'no-role', values: [] });
    // a value is matched whole, never by a part of it
    expect(actorFromClaims({ sub: 'x', groups: 'tracker-admins-former' }, mapping)).toMatchObject({ reason: 'no-role' });
  });

  it("tells a token's own fault from keys that could not be fetched", () => {
    for (const code of [
      'ERR_JWT_EXPIRED',
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      'ERR_JWKS_NO_MATCHING_KEY',
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'ERR_JWS_INVALID',
      'ERR_JWT_INVALID',
    ]) {
      expect(verificationRefusal(code)).toBe('unauthenticated');
    }
    for (const code of ['ERR_JWKS_TIMEOUT', 'ERR_JOSE_GENERIC', 'ERR_JWKS_INVALID', undefined]) expect(verificationRefusal(code)).toBe('unavailable');
  });

  it('recognises a compact JWS, and not an own token', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')).toBe(true);
    expect(looksLikeJwt('ktt_abcdefghijklmnopqrstuvwxyz')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
  });
});
