import { Inject, Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import type { OidcConfig } from '@libs/core/config/config';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import type { Actor } from '@libs/domain/actor';
import { actorFromClaims, isUnmapped, Unmapped, verificationRefusal } from '@libs/domain/access/oidc-claims';

/** What a token from the identity provider comes to: an actor, a person the mapping gives no role, or a refusal. */
export type OidcOutcome = { actor: Actor } | { unmapped: Unmapped; label: string } | { refusal: 'unauthenticated' | 'unavailable' };

/** A sign-in under way, kept in the browser (a short-lived HttpOnly cookie) between the redirect and the callback. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

const DISCOVERY_TRIES = 3;
/** Leeway for the clocks of the provider and of this host. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * The agency's identity provider (OIDC), when OIDC_ISSUER is set (issue 19).
 *
 * - At the API's start-up its discovery document is read (openid-client checks that it names the configured
 *   issuer) and must offer what the tracker uses (jwks_uri; with OIDC_CLIENT_ID the authorisation and
 *   token endpoints, the code flow and S256 PKCE). It is tried a few times; an issuer that still cannot be
 *   read stops the start with one line (a typo and an outage look the same from here, and a process
 *   that started without it could sign no one in). Processes already running keep going through an
 *   outage: they hold the document, and the keys they have fetched.
 * - Bearer JWTs (API clients) and the pages' ID tokens are verified with jose against the provider's
 *   JWKS: issuer and audience pinned, the asymmetric algorithms of OIDC_ALGORITHMS only, exp and sub
 *   required. jose refetches the key set when a token names a key it has not seen (no more often than
 *   OIDC_JWKS_COOLDOWN_MS) and when it is older than ten minutes, so a rotated key is taken without a restart.
 * - Tokens from the provider carry their own time: they are checked against the wall clock, never the
 *   tracker's simulated instant (TRACKER_NOW), which moves only the tracker's rules.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger('Oidc');
  readonly config: OidcConfig | null;
  private readonly publicUrl: string;
  private client: oidc.Configuration | null = null;
  private jwks: ReturnType<typeof createRemoteJWKSet> | null = null;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    this.config = runtime.config.oidc;
    this.publicUrl = runtime.config.publicUrl;
  }

  /** Pages may sign staff in (OIDC_CLIENT_ID is set). */
  get pagesSignIn(): boolean {
    return !!this.config?.clientId;
  }

  get redirectUri(): string {
    return `${this.publicUrl}/auth/callback`;
  }

  /**
   * Reads the discovery document; the API calls it before it listens (apps/api/src/api.app.ts). Other
   * processes (the worker, the CLI minting a machine's token during an outage) never need the provider.
   */
  async discover(): Promise<void> {
    const config = this.config;
    if (!config) return;
    const wellKnown = `${config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let lastError: unknown;
    for (let attempt = 1; attempt <= DISCOVERY_TRIES && !this.client; attempt++) {
      try {
        this.client = await oidc.discovery(
          new URL(config.issuer),
          config.clientId ?? config.audience,
          config.clientSecret ?? undefined,
          config.clientSecret ? undefined : oidc.None(),
          { timeout: 5, execute: config.insecure ? [oidc.allowInsecureRequests] : [] },
        );
      } catch (error) {
        lastError = error;
        // a document that answers but is wrong (another issuer's, not JSON) will not mend itself
        if (String((error as { code?: string })?.code).startsWith('OAUTH_')) {
          throw new Error(`OIDC_ISSUER ${config.issuer}: its discovery document (${wellKnown}) was refused: ${describe(error)}`, { cause: error });
        }
        if (attempt < DISCOVERY_TRIES) await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
    if (!this.client)
      throw new Error(
        `OIDC_ISSUER ${config.issuer}: its discovery document (${wellKnown}) could not be read after ${DISCOVERY_TRIES} tries: ${describe(lastError)}`,
        { cause: lastError },
      );
    const metadata = this.client.serverMetadata();
    const missing: string[] = [];
    if (!metadata.jwks_uri) missing.push('a jwks_uri');
    if (config.clientId) {
      if (!metadata.authorization_endpoint || !metadata.token_endpoint) missing.push('an authorization and a token endpoint');
      if (metadata.response_types_supported && !metadata.response_types_supported.includes('code')) missing.push('the code flow (response_types_supported)');
      if (metadata.code_challenge_methods_supported && !metadata.code_challenge_methods_supported.includes('S256'))
        missing.push('S256 PKCE (code_challenge_methods_supported)');
      const signing = metadata.id_token_signing_alg_values_supported;
      if (signing && !signing.some((alg) => config.algorithms.includes(alg)))
        missing.push(`ID tokens signed with one of OIDC_ALGORITHMS (${config.algorithms.join(',')}; it offers ${signing.join(',')})`);
    }
    if (missing.length) throw new Error(`OIDC_ISSUER ${config.issuer}: its discovery document (${wellKnown}) offers no ${missing.join(', nor ')}`);
    this.jwks = createRemoteJWKSet(new URL(metadata.jwks_uri!), { cooldownDuration: config.jwksCooldownMs, timeoutDuration: 5000 });
    this.logger.log(
      `identity provider ${config.issuer}: bearer JWTs for ${config.audience}${config.clientId ? `, page sign-in as client ${config.clientId}` : ''}`,
    );
  }

  /** A bearer token an API client presents: a JWT for this API's audience. */
  async verifyBearer(token: string): Promise<OidcOutcome> {
    if (!this.jwks) return { refusal: 'unavailable' };
    return this.verify(token, this.config!.audience);
  }

  /** Starts a page's sign-in: where to send the browser, and what to keep until it comes back. */
  async startSignIn(returnTo: string): Promise<{ url: string; pending: PendingSignIn }> {
    const client = this.client!;
    const pending: PendingSignIn = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), returnTo };
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: this.redirectUri,
      scope: this.config!.scopes,
      response_type: 'code',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /**
   * Finishes it: the code is exchanged at the token endpoint (openid-client checks state, PKCE, the
   * issuer and the ID token's claims and nonce), and the ID token is verified here too, as any token is.
   * A provider's refusal or a mismatch is `unauthenticated`; the provider away is `unavailable`.
   */
  async finishSignIn(query: string, pending: PendingSignIn): Promise<OidcOutcome> {
    let idToken: string | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(this.client!, new URL(`${this.redirectUri}?${query}`), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (error) {
      const status = (error as { status?: number } | undefined)?.status ?? 0;
      const away = error instanceof TypeError || (error as { name?: string } | undefined)?.name === 'TimeoutError' || status >= 500;
      this.logger.warn(`a sign-in could not be completed: ${describe(error)}`);
      return { refusal: away ? 'unavailable' : 'unauthenticated' };
    }
    return idToken ? this.verify(idToken, this.config!.clientId!) : { refusal: 'unauthenticated' };
  }

  private async verify(token: string, audience: string): Promise<OidcOutcome> {
    const config = this.config!;
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.jwks!, {
        issuer: config.issuer,
        audience,
        algorithms: config.algorithms,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      const refusal = verificationRefusal((error as { code?: string })?.code);
      if (refusal === 'unavailable') this.logger.warn(`the identity provider's keys could not be fetched: ${describe(error)}`);
      return { refusal };
    }
    const actor = actorFromClaims(claims, config.mapping);
    if (isUnmapped(actor)) return { unmapped: actor, label: String(claims.name ?? claims.email ?? claims.sub) };
    return { actor };
  }
}

/** An error in one line, with its cause (fetch's "fetch failed" hides the refused connection there). */
function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string; code?: string } };
  const cause = e?.cause ? ` (${e.cause.code ?? e.cause.message})` : '';
  return `${e?.message ?? String(error)}${cause}`.split('\n')[0];
}
