import { ok, TestServer } from './server';

/** One summary line per fault, on stdout, so CI output shows what was done and what held. */
export function report(fault: string, checked: string, counts: Record<string, number | string>) {
  process.stdout.write(
    `\nFAULT ${fault} | checked: ${checked} | ${Object.entries(counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}\n`,
  );
}

/** N organisations with a primary and an executive contact, through the real import endpoint. */
export async function importOrganisations(server: TestServer, n: number, prefix: string, sector = 'WATER') {
  const lines = [
    'external_key,name,primary_sector,state,size_band,criticality_tier,primary_contact_name,primary_contact_email,primary_contact_time_zone,executive_contact_name,executive_contact_email,executive_contact_time_zone',
  ];
  for (let i = 0; i < n; i++)
    lines.push(
      `${prefix}-${i},${prefix} Utility ${i},${sector},TX,SMALL,3,P ${i},p${i}@${prefix.toLowerCase()}.example,America/Chicago,E ${i},e${i}@${prefix.toLowerCase()}.example,America/Chicago`,
    );
  const response = await fetch(`${server.url}/import/organisations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'text/csv' },
    body: lines.join('\n'),
  });
  const body = await response.json();
  if (!body.applied) throw new Error(`import failed: ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function outboxCounts(server: TestServer): Promise<Record<string, number>> {
  const rows = await server.sql(`SELECT state, count(*)::int AS n FROM reminder_delivery GROUP BY state`);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export async function plan(server: TestServer): Promise<number> {
  return ok(await server.gql('mutation { runReminderPlanner { inserted } }')).runReminderPlanner.inserted;
}
