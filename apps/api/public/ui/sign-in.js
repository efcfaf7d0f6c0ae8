/* Staff sign-in through the agency's identity provider, for any page (issue 19). The API is the OIDC
   client: the browser goes to /auth/sign-in and comes back signed in, with an HttpOnly session cookie
   this code never sees. A page asks who is signed in (and gets the CSRF token every request must carry
   in x-csrf-token), offers the sign-in link when the tracker has a provider, and signs out. */

/** { signIn: whether a provider is set up, session: { label, role, sectors, csrfToken, expiresAt } | null }, or null when the tracker cannot say. */
export async function staffSession() {
  try {
    const response = await fetch('/auth/session', { credentials: 'same-origin', cache: 'no-store' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/** Where the sign-in starts, coming back to this page (the server takes only its own pages). */
export function signInHref(returnPath = location.pathname) {
  return `/auth/sign-in?return=${encodeURIComponent(returnPath)}`;
}

/** Ends the session here (the provider's own session is the provider's). */
export async function signOut() {
  await fetch('/auth/sign-out', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
}
