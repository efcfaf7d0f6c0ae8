import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { baseEnv } from './server';

export interface TestProvider {
  issuer: string;
  output: () => string;
  /** Stops it and starts it again on the same port with these signing keys (newest first): a key rotation. */
  restart(kids: string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface ProviderOptions {
  port: number;
  kids: string[];
  keyDir: string;
  audience: string;
  pagesRedirect: string;
  cliRedirect: string;
  accounts: Record<string, { name: string; email: string; groups: string[]; sectors: string[] }>;
}

/** Starts the real OpenID provider (test/support/oidc-provider.js) in a process of its own. */
export async function startProvider(options: ProviderOptions): Promise<TestProvider> {
  let child: ChildProcess | null = null;
  let output = '';
  const start = (kids: string[]) =>
    new Promise<void>((resolve, reject) => {
      child = spawn(process.execPath, [join(__dirname, 'oidc-provider.js')], {
        env: baseEnv({
          OIDC_TEST_PORT: String(options.port),
          OIDC_TEST_KIDS: kids.join(','),
          OIDC_TEST_KEY_DIR: options.keyDir,
          OIDC_TEST_AUDIENCE: options.audience,
          OIDC_TEST_PAGES_REDIRECT: options.pagesRedirect,
          OIDC_TEST_CLI_REDIRECT: options.cliRedirect,
          OIDC_TEST_ACCOUNTS: JSON.stringify(options.accounts),
        }),
      });
      const timer = setTimeout(() => reject(new Error(`the OIDC provider did not start: ${output.slice(-1000)}`)), 20_000);
      child.stdout!.on('data', (c) => {
        output += c;
        if (output.includes(`OIDC provider at http://127.0.0.1:${options.port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on('data', (c) => (output += c));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the OIDC provider exited with ${code}: ${output.slice(-1000)}`));
      });
    });
  const stop = async () => {
    const running = child as ChildProcess | null;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (running.exitCode === null) running.kill('SIGKILL');
  };
  await start(options.kids);
  return {
    issuer: `http://127.0.0.1:${options.port}`,
    output: () => output,
    async restart(kids) {
      await stop();
      output = '';
      await start(kids);
    },
    stop,
  };
}

/** The provider's sign-in, as a person does it in its development form (any password), consent included. */
export async function signInAtProvider(page: import('playwright-core').Page, login: string) {
  await page.waitForSelector('input[name="login"]');
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  const consent = page.locator('button:has-text("Continue")');
  await consent.waitFor({ timeout: 10_000 }).then(
    () => consent.click(),
    () => undefined,
  );
}

const base64url = (b: Buffer) => b.toString('base64url');

/**
 * Tokens an API client gets for a person: the authorisation code flow with PKCE, signed in through the
 * browser at the provider, the code caught at the client's redirect and exchanged at the token endpoint.
 */
export async function apiClientTokens(browser: Browser, provider: TestProvider, login: string, options: { clientId?: string; redirect: string }) {
  const clientId = options.clientId ?? 'tracker-cli';
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const authorize = new URL(`${provider.issuer}/auth`);
  for (const [k, v] of Object.entries({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: options.redirect,
    scope: 'openid profile email groups api',
    state,
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }))
    authorize.searchParams.set(k, v);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    let code: string | null = null;
    await page.route(`${options.redirect}**`, (route) => {
      const url = new URL(route.request().url());
      if (url.searchParams.get('state') === state) code = url.searchParams.get('code');
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'signed in: you may close this window' });
    });
    await page.goto(authorize.href);
    await signInAtProvider(page, login);
    await page.waitForURL(`${options.redirect}**`);
    if (!code) throw new Error(`no code came back for ${login}`);
    const response = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: options.redirect, client_id: clientId, code_verifier: verifier }),
    });
    const tokens = (await response.json()) as { access_token: string; id_token: string; error?: string; error_description?: string };
    if (!response.ok) throw new Error(`the token endpoint refused: ${tokens.error}: ${tokens.error_description}`);
    return tokens;
  } finally {
    await context.close();
  }
}

/** A JWT's header and payload, read without verifying (for the test's own checks). */
export function jwtParts(token: string): { header: Record<string, any>; payload: Record<string, any> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}
