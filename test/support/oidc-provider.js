/*
 * A real OpenID Connect provider for the tests (oidc-provider, the certified implementation), in a
 * process of its own: it is an ES module, and the tests run as CommonJS under jest. Started and stopped
 * by test/support/oidc.ts. Its settings come from the environment:
 *
 * - OIDC_TEST_PORT: where it listens (its issuer is http://127.0.0.1:<port>), the same across restarts.
 * - OIDC_TEST_KIDS: its signing keys, newest first (the first signs; all are published). Each key is kept
 *   in OIDC_TEST_KEY_DIR/<kid>.json, made on first use, so a restart with "new,old" is a key rotation.
 * - OIDC_TEST_AUDIENCE: the API's audience (access tokens are JWTs for it, by resource indicators).
 * - OIDC_TEST_PAGES_REDIRECT: the tracker's /auth/callback; OIDC_TEST_CLI_REDIRECT: an API client's.
 * - OIDC_TEST_ACCOUNTS: JSON { login: { name, email, groups, sectors } }; its development login form
 *   takes any password for a known login.
 *
 * Clients: tracker-pages (confidential, client_secret_post: the tracker's pages), tracker-cli (public,
 * PKCE: an API client), tracker-cli-brief (the same, whose access tokens live 2 seconds).
 */
const { generateKeyPairSync } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

function key(dir, kid) {
  const file = join(dir, `${kid}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  return jwk;
}

async function main() {
  const { default: Provider } = await import('oidc-provider');
  const env = process.env;
  const port = Number(env.OIDC_TEST_PORT);
  const issuer = `http://127.0.0.1:${port}`;
  const audience = env.OIDC_TEST_AUDIENCE;
  const accounts = JSON.parse(env.OIDC_TEST_ACCOUNTS);
  const person = (id) => (Object.hasOwn(accounts, id) ? accounts[id] : undefined);
  const cli = {
    redirect_uris: [env.OIDC_TEST_CLI_REDIRECT],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    grant_types: ['authorization_code'],
    response_types: ['code'],
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'tracker-pages',
        client_secret: 'pages-secret',
        redirect_uris: [env.OIDC_TEST_PAGES_REDIRECT],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      { client_id: 'tracker-cli', ...cli },
      { client_id: 'tracker-cli-brief', ...cli },
    ],
    jwks: { keys: env.OIDC_TEST_KIDS.split(',').map((kid) => key(env.OIDC_TEST_KEY_DIR, kid)) },
    cookies: { keys: ['oidc-test-cookie-key'] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups', 'sectors'] },
    // the claims of the scopes asked for go into the ID token too (Okta and Entra ID are set up so for groups)
    conformIdTokenClaims: false,
    async findAccount(_ctx, id) {
      const p = person(id);
      return p && { accountId: id, claims: () => ({ sub: id, ...p }) };
    },
    // an access token for the API carries the person's groups and sectors, as an API's custom claims do
    async extraTokenClaims(_ctx, token) {
      const p = token.kind === 'AccessToken' ? person(token.accountId) : undefined;
      return p && { groups: p.groups, sectors: p.sectors, name: p.name };
    },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, _indicator, client) => ({
          scope: 'api',
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: client.clientId === 'tracker-cli-brief' ? 2 : 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.on('server_error', (_ctx, error) => process.stderr.write(`server_error: ${error.stack}\n`));
  const server = provider.listen(port, '127.0.0.1', () => process.stdout.write(`OIDC provider at ${issuer}\n`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
