import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { ClaimMapping, parseRoleMap } from '@libs/domain/access/oidc-claims';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

/** Every variable the tracker reads. `.env.example` lists the same names; keep them in step. */
class EnvironmentVariables {
  @IsOptional()
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: 'must be a postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/tracker' })
  DATABASE_URL?: string;

  /**
   * The schema's owner: migrations, reference data and the application role's grants run as it, and
   * nothing else does. The application connects as DATABASE_URL, a role that may insert into and read
   * the audit trail but not rewrite it, drop or disable its trigger (libs/core/database/application-role.ts).
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: 'must be a postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/tracker' })
  DATABASE_OWNER_URL?: string;

  /**
   * Read replicas for dashboard aggregates and exports, comma-separated postgres:// URLs (TypeORM
   * replication). Writes, and reads inside a write, always go to DATABASE_URL.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s,]+(,postgres(ql)?:\/\/[^\s,]+)*$/, { message: 'must be comma-separated postgres:// URLs' })
  DATABASE_READ_URLS?: string;

  /** Database connections per process (PostgreSQL's max_connections must cover every process's pool). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_MAX = 20;

  /**
   * How long a dashboard aggregate (summary, breakdowns, burn-down, reminder figures, the at-risk total)
   * is served from memory: dashboards poll, and the figures move with reports, not by the millisecond.
   * Concurrent requests for the same figures share one query. 0 turns it off.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  DASHBOARD_CACHE_MS = 5000;

  /**
   * How long an API process may remember a credential it has checked (0: read it on every request). It
   * remembers only while it listens to the database's announcements of credential changes, so a
   * revocation anywhere takes effect at once in every process (libs/access/credential-cache.ts).
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  CREDENTIAL_CACHE_MS = 60_000;

  /**
   * How long a process may take to stop on SIGTERM (finishing requests and the job in hand, closing its
   * connections) before it exits anyway: under an orchestrator's grace period (Kubernetes' is 30 s).
   */
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 25_000;

  /**
   * Limits every pooled connection carries (0: none). A statement, a wait for a lock and a transaction
   * left idle are cut off and their connection freed, so one stuck request cannot hold the pool; the
   * planner's batches and an import's statements run far below these. Exports and the planner's
   * one-at-a-time lock opt out where a long wait is the design.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 60_000;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  DATABASE_LOCK_TIMEOUT_MS = 10_000;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

  /**
   * Every HTTP request (headers and body) must have arrived within this, or it is answered 408 and its
   * connection closed: a client dripping bytes holds nothing for longer. Responses are not counted.
   */
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 120_000;

  /** The largest CSV file an import over HTTP accepts (bytes); it is written to a temporary file before the import starts. */
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(10_737_418_240)
  IMPORT_MAX_BYTES = 104_857_600;

  /** An export whose reader has taken nothing for this long is ended and its database connection freed. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  EXPORT_STALL_MS = 30_000;

  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// URL, e.g. redis://127.0.0.1:6379' })
  REDIS_URL?: string;

  /**
   * Redis through Sentinel: comma-separated host:port of the sentinels; REDIS_URL then gives only the
   * password and database number. REDIS_SENTINEL_NAME is the monitored master's name.
   */
  @IsOptional()
  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, { message: 'must be comma-separated host:port pairs, e.g. sentinel-1:26379,sentinel-2:26379' })
  REDIS_SENTINELS?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be the master name the sentinels monitor, e.g. mymaster' })
  REDIS_SENTINEL_NAME = 'mymaster';

  @IsOptional()
  @Matches(/^[A-Za-z0-9:_{}-]{1,64}$/, { message: 'must be 1-64 characters of letters, digits, ":", "_", "-" or braces' })
  QUEUE_PREFIX = 'tracker';

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'must be an ISO-8601 instant, e.g. 2024-09-22T12:00:00Z' })
  TRACKER_NOW?: string;

  @IsOptional()
  @IsString()
  DATA_DIR = '.data';

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_HEALTH_PORT = 3001;

  /**
   * Whether workers register the wall-clock schedules (statuses refreshed hourly, reminders planned every
   * quarter hour). 'off' for a drill that moves a simulated clock by hand and runs each step itself.
   */
  @IsOptional()
  @IsIn(['on', 'off'])
  WORKER_SCHEDULES: 'on' | 'off' = 'on';

  /**
   * Whether PostgreSQL and Redis may be started here when none answers (for a laptop). Defaults to true,
   * and to false with NODE_ENV=production, where true is refused: a server or a container gives
   * DATABASE_URL and REDIS_URL (the Dockerfile sets false).
   */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  EMBEDDED_SERVICES?: 'true' | 'false';

  /**
   * Web origins that may call the API from a browser (CORS), comma-separated, e.g.
   * https://dashboard.example.gov,http://localhost:5173. Empty: none (the API's own pages need none).
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s,/]+(,https?:\/\/[^\s,/]+)*$/, {
    message: 'must be origins (scheme://host[:port], no path) separated by commas, e.g. https://dashboard.example.gov',
  })
  CORS_ORIGINS?: string;

  /** Mutations per minute per credential (0: no limit), and how many may come at once. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE = 1200;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  RATE_LIMIT_BURST = 300;

  /**
   * What GraphQL operations may cost per minute per credential, in the units of the query cost (a
   * field times the rows it may return; at most 100,000 an operation); a quarter of it may be spent at
   * once. 0: no limit. A dashboard's poll costs a few hundred, a page of 50 organisations a few thousand.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  QUERY_COST_PER_MINUTE = 2_000_000;

  /** Where e-mail goes, e.g. smtp://user:pass@mail.example:587; unset: e-mail deliveries fail visibly. */
  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'must be an smtp:// or smtps:// URL, e.g. smtp://127.0.0.1:1025' })
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  MAIL_FROM = 'Transition Tracker <tracker@localhost>';

  /**
   * The address people reach the tracker at, for the links in messages (e.g. https://tracker.agency.gov);
   * unset: http://localhost:PORT. Link sessions' cookies are Secure when it is https, and always in production.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'must be an http(s):// URL without query, e.g. https://tracker.agency.gov' })
  PUBLIC_URL?: string;

  /** How long a session opened by a link lasts, in minutes (the link itself lasts longer: it can open another). */
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(1440)
  LINK_SESSION_MINUTES = 60;

  /**
   * Hosts a webhook may reach over plain http and on a loopback or private address: local receivers an
   * operator runs (comma-separated host names or addresses). Empty: https only, public addresses only.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9.:[\]-]+(,[A-Za-z0-9.:[\]-]+)*$/, { message: 'must be host names or addresses separated by commas, e.g. 127.0.0.1,hooks.internal' })
  WEBHOOK_LOCAL_HOSTS?: string;

  /**
   * Deliveries a worker sends at once. Their claims and SENT marks go to PostgreSQL in batches, so more
   * at once costs fewer statements per message, not more connections: 64 sent ~2x what 16 did (bench/README.md).
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(256)
  DELIVERY_CONCURRENCY = 64;

  /** Tries per delivery before it ends FAILED, and the first retry's delay (it doubles each time). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  DELIVERY_ATTEMPTS = 8;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  DELIVERY_BACKOFF_MS = 5000;

  /** How long a sender holds a job before another worker may take it over (a killed worker's jobs wait this long). */
  @IsOptional()
  @IsInt()
  @Min(500)
  @Max(600_000)
  DELIVERY_LOCK_MS = 30_000;

  /** A delivery left ENQUEUED or SENDING this long is queued again under a new job (at least twice DELIVERY_LOCK_MS). */
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  DELIVERY_STUCK_MS = 300_000;

  /** How often the relay sweeps for stuck deliveries. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  RELAY_SWEEP_MS = 60_000;

  /** How often the outbox relay looks for due rows when it found none. */
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(60_000)
  RELAY_IDLE_MS = 1000;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  SEED_DEMO: 'true' | 'false' = 'false';

  /**
   * Staff sign-in through an identity provider (OIDC). Unset: only the tracker's own API tokens (and
   * links). Set: bearer JWTs from this issuer are accepted beside own tokens, and with OIDC_CLIENT_ID the
   * pages sign staff in (authorisation code flow with PKCE, the API as the client). Its discovery
   * document is read at start-up: an issuer that cannot be read stops the start.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'must be the issuer URL exactly as the provider names it, e.g. https://agency.okta.com/oauth2/default' })
  OIDC_ISSUER?: string;

  /** The audience (aud) the API requires in bearer JWTs: the identifier the provider gives this API. */
  @IsOptional()
  @Matches(/^\S{1,300}$/, { message: "must be the API's audience, e.g. api://transition-tracker" })
  OIDC_AUDIENCE?: string;

  /** The pages' client at the provider (its redirect URI: PUBLIC_URL/auth/callback); unset: no page sign-in, bearer JWTs only. */
  @IsOptional()
  @Matches(/^\S{1,300}$/, { message: "must be the client id the provider registered for the tracker's pages" })
  OIDC_CLIENT_ID?: string;

  /** The pages' client secret (client_secret_post); unset: a public client, PKCE alone. */
  @IsOptional()
  @IsString()
  OIDC_CLIENT_SECRET?: string;

  @IsOptional()
  @Matches(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, { message: 'must be scopes separated by single spaces, including openid' })
  OIDC_SCOPES = 'openid profile email';

  /** The claim naming the person's groups or roles, and how its values map to tracker roles (VALUE=ROLE, comma-separated). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_:./-]{1,100}$/, { message: 'must be a claim name, e.g. groups or roles' })
  OIDC_ROLE_CLAIM = 'groups';

  @IsOptional()
  @IsString()
  OIDC_ROLE_MAP?: string;

  /** The claim listing a liaison's sector codes. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_:./-]{1,100}$/, { message: 'must be a claim name, e.g. sectors' })
  OIDC_SECTORS_CLAIM = 'sectors';

  /** The signature algorithms accepted from the provider (never none, never a symmetric one). */
  @IsOptional()
  @Matches(/^(RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA|Ed25519)(,(RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA|Ed25519))*$/, {
    message: 'must be asymmetric JWS algorithms separated by commas, e.g. RS256,ES256',
  })
  OIDC_ALGORITHMS = 'RS256,PS256,ES256';

  /** How long a staff session opened by signing in lasts (roles are read again at the next sign-in). */
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(1440)
  OIDC_SESSION_MINUTES = 60;

  /** The shortest time between two fetches of the provider's keys (a token with an unknown key makes one). */
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  OIDC_JWKS_COOLDOWN_MS = 30_000;
}

/** The identity provider's settings, checked together (loadConfig); null without OIDC_ISSUER. */
export interface OidcConfig {
  issuer: string;
  audience: string;
  clientId: string | null;
  clientSecret: string | null;
  scopes: string;
  mapping: ClaimMapping;
  algorithms: string[];
  sessionMinutes: number;
  jwksCooldownMs: number;
  /** http:// on a loopback address, allowed outside production only (a provider a test or a developer runs). */
  insecure: boolean;
}

/**
 * Variables the tracker no longer reads. Still set, they stop nothing: start-up warns with the reason,
 * so that an operator who upgrades learns what replaced them.
 */
const RETIRED: Record<string, string> = {
  WEBHOOK_SECRET:
    'WEBHOOK_SECRET is no longer read: each webhook signs with a secret of its own (Standard Webhooks), shown when its URL is saved and by rotateWebhookSecret; unset it',
};

export type AppConfig = EnvironmentVariables & {
  /** CORS_ORIGINS as a list; empty: no cross-origin caller. */
  corsOrigins: string[];
  /** PUBLIC_URL without a trailing slash, or http://localhost:PORT. */
  publicUrl: string;
  /** One line for each retired variable still set. */
  retired: string[];
  /** True when DATABASE_URL, DATABASE_OWNER_URL or REDIS_URL were given explicitly: then we never fall back to embedded services. */
  databaseUrlGiven: boolean;
  redisUrlGiven: boolean;
  /** What the application connects as. */
  databaseUrl: string;
  /** What migrations, reference data and grants run as: the same URL when only DATABASE_URL is given. */
  databaseOwnerUrl: string;
  redisUrl: string;
  oidc: OidcConfig | null;
};

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tracker';
/** The application's role when only the owner is known (the single-machine start, the embedded database). */
export const DEFAULT_APPLICATION_ROLE = 'tracker_app';

/** The same server and database as `url`, as another role (without the owner's password). */
export function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  u.password = '';
  return u.toString();
}
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

const NUMERIC: Record<string, string> = {
  PORT: '0 and 65535',
  WORKER_HEALTH_PORT: '0 and 65535',
  RATE_LIMIT_PER_MINUTE: '0 and 1000000',
  RATE_LIMIT_BURST: '1 and 100000',
  QUERY_COST_PER_MINUTE: '0 and 1000000000',
  DELIVERY_CONCURRENCY: '1 and 256',
  DELIVERY_ATTEMPTS: '1 and 50',
  DELIVERY_BACKOFF_MS: '10 and 3600000',
  DELIVERY_LOCK_MS: '500 and 600000',
  RELAY_IDLE_MS: '10 and 60000',
  DELIVERY_STUCK_MS: '1000 and 86400000',
  RELAY_SWEEP_MS: '100 and 3600000',
  DATABASE_POOL_MAX: '1 and 500',
  DASHBOARD_CACHE_MS: '0 and 600000',
  CREDENTIAL_CACHE_MS: '0 and 600000',
  SHUTDOWN_TIMEOUT_MS: '1000 and 600000',
  DATABASE_STATEMENT_TIMEOUT_MS: '0 and 86400000',
  DATABASE_LOCK_TIMEOUT_MS: '0 and 86400000',
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '0 and 86400000',
  HTTP_REQUEST_TIMEOUT_MS: '1000 and 3600000',
  IMPORT_MAX_BYTES: '1024 and 10737418240',
  EXPORT_STALL_MS: '100 and 3600000',
  LINK_SESSION_MINUTES: '5 and 1440',
  OIDC_SESSION_MINUTES: '5 and 1440',
  OIDC_JWKS_COOLDOWN_MS: '1000 and 3600000',
};

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** The OIDC settings as one: an issuer needs its audience and a role map that parses; the rest needs an issuer. */
function oidcConfig(config: EnvironmentVariables, problems: string[]): OidcConfig | null {
  if (!config.OIDC_ISSUER) {
    for (const key of ['OIDC_AUDIENCE', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ROLE_MAP'] as const) {
      if (config[key]) problems.push(`${key} is set but OIDC_ISSUER is not: set the issuer, or unset ${key}`);
    }
    return null;
  }
  const insecure = config.OIDC_ISSUER.startsWith('http:');
  if (insecure && (config.NODE_ENV === 'production' || !LOOPBACK.test(config.OIDC_ISSUER))) {
    problems.push(`OIDC_ISSUER must be https:// (plain http only on a loopback address outside production) (got "${config.OIDC_ISSUER}")`);
  }
  if (!config.OIDC_AUDIENCE) problems.push('OIDC_AUDIENCE is required with OIDC_ISSUER: the audience the provider puts in tokens for this API');
  if (!config.OIDC_SCOPES.split(' ').includes('openid')) problems.push(`OIDC_SCOPES must include openid (got "${config.OIDC_SCOPES}")`);
  if (config.OIDC_CLIENT_SECRET && !config.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_SECRET is set but OIDC_CLIENT_ID is not');
  // ID tokens are made for the pages' client: were it also the API's audience, an ID token would pass as an access token
  if (config.OIDC_CLIENT_ID && config.OIDC_CLIENT_ID === config.OIDC_AUDIENCE) {
    problems.push(
      "OIDC_AUDIENCE must differ from OIDC_CLIENT_ID: register the API apart from the pages' client, so that an ID token is never taken as an access token",
    );
  }
  const parsed = config.OIDC_ROLE_MAP
    ? parseRoleMap(config.OIDC_ROLE_MAP)
    : { problem: 'is required with OIDC_ISSUER, e.g. tracker-admins=admin,tracker-liaisons=liaison,tracker-viewers=viewer' };
  if (parsed.problem) problems.push(`OIDC_ROLE_MAP ${parsed.problem}`);
  return {
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE ?? '',
    clientId: config.OIDC_CLIENT_ID ?? null,
    clientSecret: config.OIDC_CLIENT_SECRET ?? null,
    scopes: config.OIDC_SCOPES,
    mapping: { roleClaim: config.OIDC_ROLE_CLAIM, roles: parsed.roles ?? new Map(), sectorsClaim: config.OIDC_SECTORS_CLAIM },
    algorithms: config.OIDC_ALGORITHMS.split(','),
    sessionMinutes: config.OIDC_SESSION_MINUTES,
    jwksCooldownMs: config.OIDC_JWKS_COOLDOWN_MS,
    insecure,
  };
}

/** Validates the environment once at boot; the error names every bad variable and what it should be. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of Object.keys(new EnvironmentVariables())) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    if (NUMERIC[key]) {
      if (!/^\d+$/.test(value)) problems.push(`${key} must be an integer between ${NUMERIC[key]} (got "${value}")`);
      else raw[key] = Number(value);
    } else raw[key] = value;
  }
  for (const key of ['DATABASE_URL', 'DATABASE_OWNER_URL', 'DATABASE_READ_URLS', 'REDIS_URL', 'TRACKER_NOW', 'SMTP_URL', 'OIDC_ISSUER', 'OIDC_ROLE_MAP']) {
    if (env[key] === '') problems.push(`${key} is set but empty: unset it or give a value`);
  }
  const config = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  for (const error of validateSync(config, { skipMissingProperties: false })) {
    const message = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
    const text = message.startsWith(error.property) ? message : `${error.property} ${message}`;
    problems.push(`${text} (got "${String(error.value)}")`);
  }
  if (config.NODE_ENV === 'production' && config.EMBEDDED_SERVICES === 'true') {
    problems.push(
      'EMBEDDED_SERVICES must be false with NODE_ENV=production (got "true"): embedded PostgreSQL and Redis are for a laptop; give DATABASE_URL and REDIS_URL',
    );
  }
  const oidc = problems.length === 0 ? oidcConfig(config, problems) : null;
  if (problems.length > 0) throw new ConfigError(problems);
  config.EMBEDDED_SERVICES ??= config.NODE_ENV === 'production' ? 'false' : 'true';
  return Object.assign(config, {
    corsOrigins: config.CORS_ORIGINS ? config.CORS_ORIGINS.split(',') : [],
    oidc,
    retired: Object.keys(RETIRED)
      .filter((key) => env[key] !== undefined)
      .map((key) => RETIRED[key]),
    databaseUrlGiven: !!config.DATABASE_URL || !!config.DATABASE_OWNER_URL,
    redisUrlGiven: !!config.REDIS_URL || !!config.REDIS_SENTINELS,
    // Only DATABASE_URL: one role does both, as before (the audit's trigger is then the application's to drop; start-up warns).
    // Neither, or only the owner: the application connects as tracker_app on the owner's server, which start-up creates.
    databaseOwnerUrl: config.DATABASE_OWNER_URL ?? config.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    databaseUrl: config.DATABASE_URL ?? asRole(config.DATABASE_OWNER_URL ?? DEFAULT_DATABASE_URL, DEFAULT_APPLICATION_ROLE),
    redisUrl: config.REDIS_URL ?? DEFAULT_REDIS_URL,
    publicUrl: (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, ''),
  });
}
