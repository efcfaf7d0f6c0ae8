/* The pages' one way to call the API: POST /graphql, same origin. A page signed in by a link sends its
   session cookie and the CSRF token the server gave it; a staff page sends its bearer token. */

/** A GraphQL error, with its extensions.code, so a page can tell a conflict from a refusal. */
export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code ?? 'ERROR';
  }
}

export function client({ token, csrf } = {}) {
  return async function gql(query, variables) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (csrf) headers['x-csrf-token'] = csrf;
    let response;
    try {
      response = await fetch('/graphql', { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify({ query, variables }) });
    } catch {
      throw new GraphQLError([{ message: 'The tracker could not be reached. Check your connection and try again.', extensions: { code: 'NETWORK' } }]);
    }
    let body;
    try {
      body = await response.json();
    } catch {
      throw new GraphQLError([{ message: `The tracker answered ${response.status}. Try again in a moment.`, extensions: { code: 'HTTP_' + response.status } }]);
    }
    if (body.errors?.length) throw new GraphQLError(body.errors);
    return body.data;
  };
}
