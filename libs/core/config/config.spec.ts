import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    // the schema's owner migrates; the application connects as a role of its own (item 6 of issue 18)
    expect(config.databaseOwnerUrl).toBe('postgres://postgres@127.0.0.1:5432/tracker');
    expect(config.databaseUrl).toBe('postgres://tracker_app@127.0.0.1:5432/tracker');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.databaseUrlGiven).toBe(false);
    expect(config.QUEUE_PREFIX).toBe('tracker');
  });

  it('connects the application and the migrations as the roles given', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app:pw@db:5432/t' })).toMatchObject({
      databaseUrl: 'postgres://app:pw@db:5432/t',
      databaseOwnerUrl: 'postgres://app:pw@db:5432/t',
      databaseUrlGiven: true,
    });
    expect(loadConfig({ DATABASE_OWNER_URL: 'postgres://owner:secret@db:5432/t' })).toMatchObject({
      databaseUrl: 'postgres://tracker_app@db:5432/t',
      databaseOwnerUrl: 'postgres://owner:secret@db:5432/t',
      databaseUrlGiven: true,
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://app:pw@db/t', DATABASE_OWNER_URL: 'postgres://owner@db/t' })).toMatchObject({
      databaseUrl: 'postgres://app:pw@db/t',
      databaseOwnerUrl: 'postgres://owner@db/t',
    });
    expect(() => loadConfig({ DATABASE_OWNER_URL: 'mysql://x' })).toThrow(/DATABASE_OWNER_URL must be a postgres:\/\/ URL/);
  });

  it('bounds the pool, HTTP requests, uploads and exports by default', () => {
    expect(loadConfig({})).toMatchObject({
      DATABASE_STATEMENT_TIMEOUT_MS: 60_000,
      DATABASE_LOCK_TIMEOUT_MS: 10_000,
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: 60_000,
      HTTP_REQUEST_TIMEOUT_MS: 120_000,
      IMPORT_MAX_BYTES: 104_857_600,
      EXPORT_STALL_MS: 30_000,
    });
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0', IMPORT_MAX_BYTES: '2048' })).toMatchObject({
      DATABASE_STATEMENT_TIMEOUT_MS: 0,
      IMPORT_MAX_BYTES: 2048,
    });
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer/],
    ['DATABASE_LOCK_TIMEOUT_MS', '10s', /DATABASE_LOCK_TIMEOUT_MS must be an integer between 0 and 86400000/],
    ['HTTP_REQUEST_TIMEOUT_MS', '0', /HTTP_REQUEST_TIMEOUT_MS must not be less than 1000/],
    ['IMPORT_MAX_BYTES', '50MB', /IMPORT_MAX_BYTES must be an integer/],
    ['PORT', '70000', /PORT/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be a postgres:\/\/ URL/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL must be a redis:\/\/ URL/],
    ['TRACKER_NOW', '29/09/2024', /TRACKER_NOW must be an ISO-8601 instant/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['DATABASE_URL', '', /DATABASE_URL is set but empty/],
  ])('names %s when it is %p', (key, value, expected) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [key]: value })).toThrow(expected);
  });

  it('starts no embedded PostgreSQL or Redis in production, and refuses to be told to', () => {
    expect(loadConfig({}).EMBEDDED_SERVICES).toBe('true');
    expect(loadConfig({ EMBEDDED_SERVICES: 'false' }).EMBEDDED_SERVICES).toBe('false');
    expect(loadConfig({ NODE_ENV: 'production' }).EMBEDDED_SERVICES).toBe('false');
    expect(() => loadConfig({ NODE_ENV: 'production', EMBEDDED_SERVICES: 'true' })).toThrow(
      /EMBEDDED_SERVICES must be false with NODE_ENV=production \(got "true"\): embedded PostgreSQL and Redis are for a laptop/,
    );
  });

  it('takes CORS origins as a list of origins', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://dashboard.example.gov,http://localhost:5173' }).corsOrigins).toEqual([
      'https://dashboard.example.gov',
      'http://localhost:5173',
    ]);
    for (const bad of ['*', 'dashboard.example.gov', 'https://dashboard.example.gov/path', 'https://a.example, https://b.example']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS must be origins \(scheme:\/\/host\[:port\], no path\) separated by commas/);
    }
  });

  it('starts with the retired WEBHOOK_SECRET still set, whatever its value, and says it is no longer read', () => {
    for (const value of ['short', '', 'a-long-secret-from-before-per-receiver-secrets']) {
      const config = loadConfig({ WEBHOOK_SECRET: value });
      expect(config.retired).toEqual([expect.stringMatching(/^WEBHOOK_SECRET is no longer read: each webhook signs with a secret of its own/)]);
      expect(config).not.toHaveProperty('WEBHOOK_SECRET');
    }
    expect(loadConfig({}).retired).toEqual([]);
  });

  it('reports every bad variable at once, on one line', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(2);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  describe('identity provider (OIDC)', () => {
    const base = {
      OIDC_ISSUER: 'https://agency.okta.com/oauth2/default',
      OIDC_AUDIENCE: 'api://tracker',
      OIDC_ROLE_MAP: 'tracker-admins=admin, tracker-liaisons=liaison',
    };

    it('is off without an issuer, and parses a complete set into one mapping', () => {
      expect(loadConfig({}).oidc).toBeNull();
      const { oidc } = loadConfig({ ...base, OIDC_CLIENT_ID: 'tracker-pages', OIDC_ROLE_CLAIM: 'roles' });
      expect(oidc).toMatchObject({
        issuer: base.OIDC_ISSUER,
        audience: 'api://tracker',
        clientId: 'tracker-pages',
        clientSecret: null,
        algorithms: ['RS256', 'PS256', 'ES256'],
        sessionMinutes: 60,
        insecure: false,
      });
      expect(oidc!.mapping).toEqual({
        roleClaim: 'roles',
        sectorsClaim: 'sectors',
        roles: new Map([
          ['tracker-admins', 'admin'],
          ['tracker-liaisons', 'liaison'],
        ]),
      });
    });

    it.each([
      [
        { ...base, OIDC_ROLE_MAP: 'tracker-admins=superuser' },
        /OIDC_ROLE_MAP "tracker-admins=superuser" maps to superuser; a role is one of admin, liaison, viewer/,
      ],
      [{ ...base, OIDC_ROLE_MAP: 'everyone=reporter' }, /reporters come through links or API tokens/],
      [{ ...base, OIDC_ROLE_MAP: 'admins' }, /OIDC_ROLE_MAP "admins" is not VALUE=ROLE/],
      [{ ...base, OIDC_ROLE_MAP: 'a=admin,a=viewer' }, /"a" is mapped twice/],
      [{ ...base, OIDC_ROLE_MAP: undefined }, /OIDC_ROLE_MAP is required with OIDC_ISSUER/],
      [{ ...base, OIDC_AUDIENCE: undefined }, /OIDC_AUDIENCE is required with OIDC_ISSUER/],
      [{ OIDC_AUDIENCE: 'api://tracker' }, /OIDC_AUDIENCE is set but OIDC_ISSUER is not/],
      [{ ...base, OIDC_ISSUER: 'http://idp.agency.gov' }, /OIDC_ISSUER must be https:\/\//],
      [{ ...base, OIDC_ISSUER: 'http://127.0.0.1:4000', NODE_ENV: 'production' }, /OIDC_ISSUER must be https:\/\//],
      [{ ...base, OIDC_ALGORITHMS: 'HS256' }, /OIDC_ALGORITHMS must be asymmetric/],
      [{ ...base, OIDC_SCOPES: 'profile email' }, /OIDC_SCOPES must include openid/],
      [{ ...base, OIDC_CLIENT_SECRET: 's3cret' }, /OIDC_CLIENT_SECRET is set but OIDC_CLIENT_ID is not/],
      [{ ...base, OIDC_CLIENT_ID: 'api://tracker' }, /OIDC_AUDIENCE must differ from OIDC_CLIENT_ID/],
    ])('refuses a bad set with one line naming the variable (%#)', (env, expected) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(expected);
    });

    it('takes a loopback http issuer outside production (a provider a test or a developer runs)', () => {
      expect(loadConfig({ ...base, OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc).toMatchObject({ insecure: true });
    });
  });
});
