import type { EntityManager } from 'typeorm';

export interface ContactRow {
  organisationId: string;
  role: string;
  name: string;
  email: string;
  timeZone: string;
}

/**
 * Makes the contacts of these organisations exactly `rows`, keeping the contacts that stay (same
 * organisation, role and e-mail) with their ids, so their notification preferences survive an edit.
 * Three statements whatever the number of organisations.
 */
export async function mergeContacts(manager: EntityManager, organisationIds: string[], rows: ContactRow[], now: Date): Promise<void> {
  if (organisationIds.length === 0) return;
  const o = rows.map((r) => r.organisationId);
  const role = rows.map((r) => r.role);
  const email = rows.map((r) => r.email);
  await manager.query(
    `DELETE FROM contact c WHERE c.organisation_id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[], $3::text[], $4::text[]) AS t(o, r, e) WHERE t.o = c.organisation_id AND t.r = c.role AND t.e = c.email)`,
    [organisationIds, o, role, email],
  );
  if (rows.length === 0) return;
  const name = rows.map((r) => r.name);
  const zone = rows.map((r) => r.timeZone);
  await manager.query(
    `UPDATE contact c SET name = t.n, time_zone = t.z, updated_at = $6
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(o, r, n, e, z)
     WHERE c.organisation_id = t.o AND c.role = t.r AND c.email = t.e AND (c.name, c.time_zone) IS DISTINCT FROM (t.n, t.z)`,
    [o, role, name, email, zone, now],
  );
  await manager.query(
    `INSERT INTO contact (organisation_id, role, name, email, time_zone, created_at, updated_at)
     SELECT DISTINCT ON (t.o, t.r, t.e) t.o, t.r, t.n, t.e, t.z, $6, $6 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(o, r, n, e, z)
     WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.organisation_id = t.o AND c.role = t.r AND c.email = t.e)`,
    [o, role, name, email, zone, now],
  );
}
