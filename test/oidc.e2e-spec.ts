import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { freePort } from '@libs/core/net/free-port';
import { newFootprint, newOrganisation } from './support/factories';
import { apiClientTokens, jwtParts, signInAtProvider, startProvider, TestProvider } from './support/oidc';
import { API_MAIN, baseEnv, errorCode, ok, runNode, startServer, TestServer } from './support/server';

const NOW = '2024-09-22T15:00:00Z';
const OUTPUT = join(__dirname, '..', 'test-output');
const AUDIENCE = 'https://tracker.test/api';
const ROLE_MAP = 'tracker-admins=admin,tracker-liaisons=liaison,tracker-viewers=viewer';
const ACCOUNTS = {
  ada: { name: 'Ada Admin', email: 'ada@agency.gov', groups: ['staff', 'tracker-admins'], sectors: [] },
  liam: { name: 'Liam Liaison', email: 'liam@agency.gov', groups: ['staff', 'tracker-liaisons'], sectors: ['WATER'] },
  nora: { name: 'Nora Contractor', email: 'nora@contractor.example', groups: ['contractors'], sectors: [] },
};
const SUMMARY = '{ programmeSummary { organisations endpointsRemaining } }';

/**
 * Staff sign in through their identity provider (issue 19), against a real OpenID provider the test
 * starts (oidc-provider), in Chromium: the pages through the authorisation code flow with PKCE, API
 * clients with the provider's access tokens (JWTs for the API's audience), key rotation without a
 * restart, and every way a token is refused.
 */
describe('OIDC: staff sign in through their identity provider', () => {
  let provider: TestProvider;
  let server: TestServer;
  let browser: Browser;
  let keyDir: string;
  let cliRedirect: string;
  const stamp = Date.now().toString(36);

  beforeAll(async () => {
    const [apiPort, providerPort, cliPort] = [await freePort(), await freePort(), await freePort()];
    keyDir = mkdtempSync(join(tmpdir(), 'oidc-keys-'));
    cliRedirect = `http://127.0.0.1:${cliPort}/callback`;
    provider = await startProvider({
      port: providerPort,
      kids: [`k1-${stamp}`],
      keyDir,
      audience: AUDIENCE,
      accounts: ACCOUNTS,
      pagesRedirect: `http://127.0.0.1:${apiPort}/auth/callback`,
      cliRedirect,
    });
    server = await startServer({
      now: NOW,
      env: {
        PORT: String(apiPort),
        PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
        OIDC_ISSUER: provider.issuer,
        OIDC_AUDIENCE: AUDIENCE,
        OIDC_CLIENT_ID: 'tracker-pages',
        OIDC_CLIENT_SECRET: 'pages-secret',
        OIDC_SCOPES: 'openid profile email groups',
        OIDC_ROLE_MAP: ROLE_MAP,
        OIDC_JWKS_COOLDOWN_MS: '1000',
      },
    });
    expect((await server.cli('seed:demo')).code).toBe(0);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.stop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  const tokensFor = (login: string, clientId?: string) => apiClientTokens(browser, provider, login, { clientId, redirect: cliRedirect });

  it("signs a person in through the browser: the dashboard shows the API's figures, and no token reaches the page", async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/dashboard`);
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.click('#sign-in');
    expect(page.url().startsWith(`${provider.issuer}/`)).toBe(true);
    await signInAtProvider(page, 'ada');
    await page.waitForURL(`${server.url}/dashboard`);
    await page.waitForSelector('#atrisk tr[data-org]', { timeout: 20_000 });
    const summary = ok(await server.gql(SUMMARY)).programmeSummary;
    expect(await page.textContent('[data-testid="organisations"]')).toBe(summary.organisations.toLocaleString('en-US'));
    expect(await page.textContent('[data-testid="endpoints-remaining"]')).toBe(summary.endpointsRemaining.toLocaleString('en-US'));
    expect(await page.textContent('[data-testid="who"]')).toBe('Ada Admin (admin)');
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'dashboard-signed-in.png') });

    // the session is an HttpOnly, SameSite=Strict cookie; the page holds no token, only a CSRF token
    const cookies = await context.cookies(server.url);
    expect(cookies.find((c) => c.name === 'tracker-staff')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([0, 0]);
    const [{ n }] = await server.sql(`SELECT count(*)::int AS n FROM staff_session WHERE subject = 'ada' AND role = 'admin'`);
    expect(n).toBe(1);

    // the cookie alone acts on nothing: a request without the page's CSRF token is refused
    const bare = await page.evaluate(async () =>
      (
        await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ programmeSummary { organisations } }' }),
        })
      ).json(),
    );
    expect(bare.errors[0].extensions.code).toBe('FORBIDDEN');

    // signed out: the session is gone here, and its CSRF token opens nothing any more
    const csrf = (await page.evaluate(async () => (await (await fetch('/auth/session')).json()).session.csrfToken)) as string;
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await context.cookies(server.url)).not.toContainEqual(expect.objectContaining({ name: 'tracker-staff' }));
    expect((await server.sql(`SELECT count(*)::int AS n FROM staff_session WHERE subject = 'ada'`))[0].n).toBe(0);
    const after = await page.evaluate(
      async (token) =>
        (
          await fetch('/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': token },
            body: JSON.stringify({ query: '{ programmeSummary { organisations } }' }),
          })
        ).json(),
      csrf,
    );
    expect(after.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('signs a liaison in from the work page, which then lists its work; the dashboard shares the session and shows its sectors only', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/work`);
    await page.click('#sign-in-provider');
    await signInAtProvider(page, 'liam');
    await page.waitForURL(`${server.url}/work`);
    expect(await page.getByTestId('signed-in').innerText()).toBe('Signed in as Liam Liaison (liaison: WATER)');
    await page.waitForSelector('#work > li, .notice:has-text("Nothing needs you")');

    await page.goto(`${server.url}/dashboard`);
    await page.waitForFunction(() => document.querySelector('[data-testid="organisations"]')?.textContent !== '–');
    const [{ n }] = await server.sql(
      `SELECT count(*)::int AS n FROM organisation WHERE primary_sector_code = 'WATER' OR 'WATER' = ANY(secondary_sector_codes)`,
    );
    expect(await page.textContent('[data-testid="organisations"]')).toBe(n.toLocaleString('en-US'));
    expect(await page.textContent('[data-testid="who"]')).toBe('Liam Liaison (liaison)');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('tells a person without a mapped role that they have none, and opens nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/auth/sign-in?return=/dashboard`);
    const callback = page.waitForResponse((r) => r.url().startsWith(`${server.url}/auth/callback`));
    await signInAtProvider(page, 'nora');
    const response = await callback;
    expect(response.status()).toBe(403);
    expect(await page.textContent('h1')).toBe('You have no role in the tracker');
    expect(await page.textContent('main')).toContain('Nora Contractor');
    expect(await context.cookies(server.url)).not.toContainEqual(expect.objectContaining({ name: 'tracker-staff' }));
    expect((await server.sql(`SELECT count(*)::int AS n FROM staff_session WHERE subject = 'nora'`))[0].n).toBe(0);
    await context.close();
  });

  it('refuses a callback that was not started in this browser, or whose state is not the one it holds', async () => {
    const alone = await fetch(`${server.url}/auth/callback?code=x&state=y`);
    expect(alone.status).toBe(400);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/auth/sign-in?return=/dashboard`);
    // a second sign-in started in the same browser (another tab) before the first came back: the first's
    // answer no longer matches what the browser holds, so it opens nothing
    const second = await context.request.get(`${server.url}/auth/sign-in?return=/dashboard`, { maxRedirects: 0 });
    expect(second.status()).toBe(303);
    const callback = page.waitForResponse((r) => r.url().startsWith(`${server.url}/auth/callback`));
    await signInAtProvider(page, 'ada');
    const response = await callback;
    expect(response.status()).toBe(401);
    expect(await context.cookies(server.url)).not.toContainEqual(expect.objectContaining({ name: 'tracker-staff' }));
    await context.close();
  });

  it("takes the provider's access token as Bearer: a liaison sees its sectors, writes in them, and the audit names the subject", async () => {
    const liam = await tokensFor('liam');
    expect(jwtParts(liam.access_token).payload).toMatchObject({ aud: AUDIENCE, sub: 'liam', groups: ['staff', 'tracker-liaisons'] });
    const mine = ok(await server.gql('{ organisations(first: 1) { totalCount } }', {}, liam.access_token)).organisations.totalCount;
    const [{ n }] = await server.sql(
      `SELECT count(*)::int AS n FROM organisation WHERE archived_at IS NULL AND (primary_sector_code = 'WATER' OR 'WATER' = ANY(secondary_sector_codes))`,
    );
    expect(mine).toBe(n);
    expect(ok(await server.gql('{ organisations(first: 1) { totalCount } }')).organisations.totalCount).toBeGreaterThan(n);

    const water = await newOrganisation(server, { primarySector: 'WATER', name: `OIDC Water ${stamp}` });
    const energy = await newOrganisation(server, { primarySector: 'ENERGY', name: `OIDC Energy ${stamp}` });
    const footprint = await newFootprint(server, water.id, {}, liam.access_token);
    const [audit] = await server.sql(`SELECT actor, actor_role FROM audit_event WHERE entity_type = 'footprint' AND entity_id = $1`, [footprint.id]);
    expect(audit).toEqual({ actor: 'oidc:liam', actor_role: 'liaison' });
    const before = (await server.sql('SELECT count(*)::int AS n FROM audit_event'))[0].n;
    const outside = await server.gql(
      `mutation($input: AddFootprintInput!) { addFootprint(input: $input) { id } }`,
      { input: { organisationId: energy.id, productCode: 'KES_ADVANCED', environment: 'IT', endpointCount: 5, updateChannel: 'SECURITY_CENTER' } },
      liam.access_token,
    );
    expect(errorCode(outside)).toBe('NOT_FOUND');
    expect((await server.sql('SELECT count(*)::int AS n FROM audit_event'))[0].n).toBe(before);

    // an administrator's token sees everything; own API tokens still work beside the provider's
    const ada = await tokensFor('ada');
    expect(ok(await server.gql(SUMMARY, {}, ada.access_token))).toEqual(ok(await server.gql(SUMMARY)));
  });

  it('refuses a token for another audience (the ID token), a tampered one, and a token without a mapped role', async () => {
    const ada = await tokensFor('ada');
    expect(jwtParts(ada.id_token).payload.aud).toBe('tracker-cli');
    const wrongAudience = await server.gql(SUMMARY, {}, ada.id_token);
    expect(errorCode(wrongAudience)).toBe('UNAUTHENTICATED');
    expect((await fetch(`${server.url}/export/sectors.csv`, { headers: { authorization: `Bearer ${ada.id_token}` } })).status).toBe(401);

    const [h, p, s] = ada.access_token.split('.');
    const claims = { ...jwtParts(ada.access_token).payload, sub: 'someone-else' };
    const tampered = await server.gql(SUMMARY, {}, `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
    expect(errorCode(tampered)).toBe('UNAUTHENTICATED');
    expect(errorCode(await server.gql(SUMMARY, {}, `${h}.${p}.${s.slice(0, -4)}AAAA`))).toBe('UNAUTHENTICATED');

    // the provider vouches for nora, but no group of hers is mapped: FORBIDDEN (signing in again would change nothing)
    const nora = await tokensFor('nora');
    const refused = await server.gql(SUMMARY, {}, nora.access_token);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.errors![0].message).toMatch(/no role in the tracker/);
    const rest = await fetch(`${server.url}/export/sectors.csv`, { headers: { authorization: `Bearer ${nora.access_token}` } });
    expect(rest.status).toBe(403);
  });

  it('refuses an expired token', async () => {
    const brief = await tokensFor('ada', 'tracker-cli-brief');
    const { payload } = jwtParts(brief.access_token);
    expect(payload.exp - payload.iat).toBe(2);
    ok(await server.gql(SUMMARY, {}, brief.access_token));
    // past its end and the 5 seconds' leeway for clocks
    await new Promise((r) => setTimeout(r, Math.max(0, (payload.exp + 6) * 1000 - Date.now())));
    const expired = await server.gql(SUMMARY, {}, brief.access_token);
    expect(errorCode(expired)).toBe('UNAUTHENTICATED');
    expect((await fetch(`${server.url}/export/sectors.csv`, { headers: { authorization: `Bearer ${brief.access_token}` } })).status).toBe(401);
  });

  it('takes a rotated signing key without a restart, and answers 503 (never 500) while the keys cannot be fetched', async () => {
    const old = await tokensFor('ada');
    ok(await server.gql(SUMMARY, {}, old.access_token));
    // the provider publishes a new key and signs with it; the old one stays published
    await provider.restart([`k2-${stamp}`, `k1-${stamp}`]);
    const rotated = await tokensFor('ada');
    expect(jwtParts(rotated.access_token).header.kid).toBe(`k2-${stamp}`);
    await new Promise((r) => setTimeout(r, 1100)); // OIDC_JWKS_COOLDOWN_MS
    ok(await server.gql(SUMMARY, {}, rotated.access_token));
    ok(await server.gql(SUMMARY, {}, old.access_token));

    // a newer key again, and then the provider is away: a token with that key cannot be checked
    await provider.restart([`k3-${stamp}`, `k2-${stamp}`]);
    const unseen = await tokensFor('ada');
    await provider.stop();
    await new Promise((r) => setTimeout(r, 1100));
    const away = await server.gql(SUMMARY, {}, unseen.access_token);
    expect(errorCode(away)).toBe('SERVICE_UNAVAILABLE');
    expect(away.errors![0].message).toMatch(/identity provider/);
    const rest = await fetch(`${server.url}/export/sectors.csv`, { headers: { authorization: `Bearer ${unseen.access_token}` } });
    expect(rest.status).toBe(503);
    // what the API already holds still works, and own tokens never needed the provider
    ok(await server.gql(SUMMARY, {}, rotated.access_token));
    ok(await server.gql(SUMMARY));
    // back: the same token is taken, by the same process
    await provider.restart([`k3-${stamp}`, `k2-${stamp}`]);
    await new Promise((r) => setTimeout(r, 1100));
    ok(await server.gql(SUMMARY, {}, unseen.access_token));
  });

  it('checks the issuer and the mapping at start-up, each failure one line', async () => {
    const env = (extra: Record<string, string>) =>
      baseEnv({
        DATABASE_URL: server.databaseUrl,
        REDIS_URL: server.env.REDIS_URL,
        QUEUE_PREFIX: server.queuePrefix,
        PORT: '0',
        HOST: '127.0.0.1',
        OIDC_AUDIENCE: AUDIENCE,
        OIDC_ROLE_MAP: ROLE_MAP,
        ...extra,
      });
    const badMap = await runNode(API_MAIN, [], env({ OIDC_ISSUER: provider.issuer, OIDC_ROLE_MAP: 'tracker-admins=root' }));
    expect(badMap.code).toBe(1);
    expect(badMap.stderr.trim()).toMatch(/^Invalid configuration: OIDC_ROLE_MAP "tracker-admins=root" maps to root; a role is one of admin, liaison, viewer/);
    expect(badMap.stderr.trim().split('\n')).toHaveLength(1);

    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const away = await runNode(API_MAIN, [], env({ OIDC_ISSUER: nowhere }));
    expect(away.code).toBe(1);
    const lines = away.stderr
      .trim()
      .split('\n')
      .filter((l) => !/ExperimentalWarning|--trace-warnings/.test(l));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Start-up failed: OIDC_ISSUER ${nowhere}: its discovery document \\(${nowhere}/\\.well-known/openid-configuration\\) could not be read after 3 tries`,
        ),
      ),
    ]);

    // the issuer a document names must be the one configured (a provider behind another address)
    const misnamed = await runNode(API_MAIN, [], env({ OIDC_ISSUER: provider.issuer.replace('127.0.0.1', 'localhost') }));
    expect(misnamed.code).toBe(1);
    expect(misnamed.stderr).toMatch(
      /Start-up failed: OIDC_ISSUER http:\/\/localhost:\d+: its discovery document \(.*\) was refused: discovered metadata issuer does not match the expected issuer/,
    );
  }, 60_000);
});
