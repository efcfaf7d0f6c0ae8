/**
 * The opaque cursor of a keyset page: the sort value and the id of the last row, as base64url JSON.
 * decodeCursor answers null for anything this API did not issue.
 */
export const encodeCursor = (value: unknown, id: string): string => Buffer.from(JSON.stringify([value, id])).toString('base64url');

export function decodeCursor(cursor: string): [unknown, string] | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string' && /^[0-9a-f-]{36}$/.test(parsed[1])) return parsed as [unknown, string];
  } catch {
    /* not ours */
  }
  return null;
}
