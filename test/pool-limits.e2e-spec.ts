import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { newToken } from './support/factories';
import { ok, startServer, TestServer } from './support/server';

const NOW = '2024-08-01T12:00:00Z';
const HEADER = 'external_key,name,primary_sector,secondary_sectors,state,size_band,criticality_tier';
/** Organisations loaded: their export (~10 MB) is more than a reader that stops can take into its socket buffers (~4 MB on loopback here). */
const MANY = 25_000;
const LONG = 'x'.repeat(260);
const row = (i: number, name = `Pool Utility ${i} ${LONG}`) => `POOL-${i},${name},WATER,,TX,SMALL,2`;
const csv = (rows: string[]) => Buffer.from(`${HEADER}\r\n${rows.join('\r\n')}\r\n`);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UPDATE = 'mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { name version } }';
const EXPORT_QUERY = 'SELECT o.id, o.external_key, o.name, o.primary_sector_code%';

interface Outcome {
  status?: number;
  body?: string;
  /** The server closed the connection without an answer. */
  closed?: boolean;
}

/** An upload by hand: headers (with the whole length when given), then only the bytes the test writes. */
function openUpload(server: TestServer, path: string, token: string, totalBytes?: number): { req: ClientRequest; outcome: Promise<Outcome> } {
  const url = new URL(path, server.url);
  const req = httpRequest(url, {
    agent: false,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', ...(totalBytes === undefined ? {} : { 'content-length': String(totalBytes) }) },
  });
  const outcome = new Promise<Outcome>((resolve) => {
    const seen: Outcome = {};
    req.on('response', (res: IncomingMessage) => {
      seen.status = res.statusCode;
      seen.body = '';
      res.on('data', (c) => (seen.body += c));
      res.on('end', () => resolve(seen));
      res.on('error', () => resolve(seen));
    });
    // writing into a connection the server has answered and closed fails; the answer is what counts
    req.on('error', () => setTimeout(() => resolve(seen.status ? seen : { closed: true }), 200));
  });
  req.flushHeaders();
  return { req, outcome };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 50) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('pool limits: uploads and exports cannot hold the pool (issue 15, item 5)', () => {
  let setup: TestServer; // ordinary settings: loads the data, and is a second API process on the same database
  let limited: TestServer; // the same database: a pool of 2, short limits everywhere
  let spoolDir: string;
  let water: string; // a WATER liaison
  let other: string; // another WATER liaison
  const sql = <T = any>(text: string, params?: unknown[]) => setup.sql<T>(text, params);
  const exportBackends = async () =>
    (await sql(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE $1`, [EXPORT_QUERY]))[0].n as number;
  const lockWaiters = async () =>
    (await sql(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0].n as number;
  const idleInTransaction = async () =>
    (await sql(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`))[0].n as number;
  const counts = async () =>
    (
      await sql(
        `SELECT (SELECT count(*) FROM organisation)::int AS orgs, (SELECT count(*) FROM import_run)::int AS runs, (SELECT count(*) FROM audit_event)::int AS audit`,
      )
    )[0];
  const post = (server: TestServer, kind: string, body: Uint8Array, token: string, query = '') =>
    fetch(`${server.url}/import/${kind}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: body as BodyInit,
    });
  const versionOf = async (key: string) =>
    (await sql(`SELECT id, version FROM organisation WHERE external_key = $1`, [key]))[0] as { id: string; version: number };
  const spoolLeft = () => readdirSync(spoolDir);

  beforeAll(async () => {
    spoolDir = mkdtempSync(join(tmpdir(), 'pool-limits-spool-'));
    setup = await startServer({ now: NOW, env: { DATABASE_LOCK_TIMEOUT_MS: '120000' } });
    limited = await startServer({
      now: NOW,
      databaseUrl: setup.databaseUrl,
      env: {
        DATABASE_POOL_MAX: '2',
        DATABASE_STATEMENT_TIMEOUT_MS: '2000',
        EXPORT_STALL_MS: '2000',
        HTTP_REQUEST_TIMEOUT_MS: '3000',
        IMPORT_MAX_BYTES: String(1024 * 1024),
        TMPDIR: spoolDir,
      },
    });
    water = (await newToken(setup, { role: 'liaison', sectors: ['WATER'] })).token;
    other = (await newToken(setup, { role: 'liaison', sectors: ['WATER'] })).token;
    const loaded = await (await post(setup, 'organisations', csv(range(1, MANY).map((i) => row(i))), setup.adminToken)).json();
    expect(loaded).toMatchObject({ applied: true, created: MANY });
  }, 300_000);

  afterAll(async () => {
    await limited?.stop();
    await setup?.stop();
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  });

  it('a slow upload holds no connection, transaction or lock, and the request timeout cuts it off with 408', async () => {
    const before = await counts();
    // more than a batch (5,000 rows): an import that read as the body arrived had locked these already
    const body = csv(range(1, 6000).map((i) => row(i, `Renamed ${i}`)));
    const upload = openUpload(limited, '/import/organisations', water, body.length);
    upload.req.write(body.subarray(0, Math.floor(body.length * 0.9)));
    await sleep(1000);
    expect(await idleInTransaction()).toBe(0);

    const target = await versionOf('POOL-1');
    const written = await limited.gql(UPDATE, { input: { id: target.id, version: target.version, name: 'Written during a slow upload' } });
    expect(ok(written).updateOrganisation).toEqual({ name: 'Written during a slow upload', version: target.version + 1 });

    const outcome = await upload.outcome;
    expect(outcome.status).toBe(408);
    expect(await counts()).toMatchObject({ orgs: before.orgs, runs: before.runs });
    expect((await sql(`SELECT count(*)::int AS n FROM organisation WHERE name LIKE 'Renamed %'`))[0].n).toBe(0);
    await waitFor('the spooled file removed', async () => spoolLeft().length === 0, 10_000);
  });

  it("stalled exports give their connections back after EXPORT_STALL_MS, and another user's write gets through", async () => {
    // two readers that never read, on a pool of two connections
    const sockets: Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const socket = connect(Number(new URL(limited.url).port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(`GET /export/organisations.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${limited.adminToken}\r\n\r\n`);
      socket.pause();
      sockets.push(socket);
    }
    try {
      await waitFor('both exports holding a connection', async () => (await exportBackends()) === 2, 30_000, 20);
      const target = await versionOf('POOL-7');
      const written = await limited.gql(UPDATE, { input: { id: target.id, version: target.version, name: 'Written beside stalled exports' } }, water);
      expect(ok(written).updateOrganisation.name).toBe('Written beside stalled exports');
      await waitFor("the stalled exports' connections closed", async () => (await exportBackends()) === 0, 30_000);
      expect(ok(await limited.gql('{ organisations(first: 1) { totalCount } }')).organisations.totalCount).toBeGreaterThanOrEqual(MANY);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('a reader that keeps reading gets the whole export, for longer than the statement timeout', async () => {
    const expected = (await sql(`SELECT count(*)::int AS n FROM organisation WHERE archived_at IS NULL`))[0].n;
    const started = Date.now();
    const lines = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        new URL('/export/organisations.csv', limited.url),
        { agent: false, headers: { authorization: `Bearer ${limited.adminToken}` } },
        (res) => {
          let count = 0;
          let sinceBreak = 0;
          res.on('data', (chunk: Buffer) => {
            for (const byte of chunk) if (byte === 10) count += 1;
            sinceBreak += chunk.length;
            // a slow reader: a pause of 300 ms (under EXPORT_STALL_MS) after every 512 KB
            if (sinceBreak > 512 * 1024) {
              sinceBreak = 0;
              res.pause();
              setTimeout(() => res.resume(), 300);
            }
          });
          res.on('end', () => resolve(count));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(lines).toBe(expected + 2); // the TLP line, the header, one line per organisation
    expect(Date.now() - started).toBeGreaterThan(2000); // DATABASE_STATEMENT_TIMEOUT_MS on this server
  });

  it('an upload over IMPORT_MAX_BYTES is refused with 413 PAYLOAD_TOO_LARGE and changes nothing, whether or not it declares its length', async () => {
    const before = await counts();
    const body = csv(range(100_001, 105_000).map((i) => row(i))); // ~1.4 MB against 1 MB
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const declared = openUpload(limited, '/import/organisations', water, body.length);
    declared.req.end(body);
    const chunked = openUpload(limited, '/import/organisations', other);
    for (let at = 0; at < body.length; at += 64 * 1024) chunked.req.write(body.subarray(at, at + 64 * 1024));
    chunked.req.end();
    for (const outcome of [await declared.outcome, await chunked.outcome]) {
      expect(outcome.status).toBe(413);
      expect(JSON.parse(outcome.body!)).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        maxBytes: 1024 * 1024,
        message: expect.stringMatching(/larger than 1,048,576 bytes/),
      });
    }
    expect(await counts()).toEqual(before);
    await waitFor('no spooled file left', async () => spoolLeft().length === 0, 10_000);
  });

  it('refuses a record over 64 KB with 400, naming its line, and writes nothing', async () => {
    const before = await counts();
    const response = await post(limited, 'organisations', csv([row(200_001), `POOL-200002,"${'y'.repeat(70_000)},WATER,,TX,SMALL,2`]), water);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/near line 3 is longer than 65,536 bytes/) });
    expect(await counts()).toEqual(before);
  });

  it('hands back at most 1,000 bad rows, and counts them all', async () => {
    const rows = [row(300_001), ...range(1, 1500).map((i) => `BAD-${i},Bad Sector ${i},SPACE,,TX,SMALL,2`)];
    const response = await post(limited, 'organisations', csv(rows), water, '?applyGoodRows=true');
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report).toMatchObject({ applied: true, created: 1, badRows: 1500, badRowsInCsv: 1000 });
    expect(report.errors).toHaveLength(1000);
    expect(report.badRowsCsv.trim().split('\r\n')).toHaveLength(1001); // the header and 1,000 rows
  });

  it('runs one import per credential at a time, in one process and across processes', async () => {
    // in one process: while a credential's upload is open, its second import is refused; another credential's is not
    const body = csv(range(400_001, 400_020).map((i) => row(i)));
    const slow = openUpload(limited, '/import/organisations', other, body.length);
    slow.req.write(body.subarray(0, 100));
    await sleep(300);
    const second = await post(limited, 'organisations', csv([row(400_100)]), other);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ code: 'CONFLICT', reason: 'IMPORT_RUNNING' });
    expect((await post(limited, 'organisations', csv([row(400_101)]), water)).status).toBe(200);
    slow.req.destroy();
    await slow.outcome;
    await waitFor(
      'the credential free again',
      async () => (await post(limited, 'organisations', csv([row(400_102)]), other, '?dryRun=true')).status === 200,
      10_000,
      200,
    );

    // across processes: the first import waits in its transaction (the test holds a row it updates)
    const holder = new Client({ connectionString: setup.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM organisation WHERE external_key = 'POOL-20' FOR UPDATE`);
      const first = post(setup, 'organisations', csv([row(20, 'Imported after the wait')]), other);
      await waitFor('the first import waiting for the row', async () => (await lockWaiters()) >= 1);
      const elsewhere = await post(limited, 'organisations', csv([row(400_103)]), other);
      expect(elsewhere.status).toBe(409);
      expect(await elsewhere.json()).toMatchObject({ code: 'CONFLICT', reason: 'IMPORT_RUNNING' });
      await holder.query('COMMIT');
      const done = await first;
      expect(done.status).toBe(200);
      expect(await done.json()).toMatchObject({ applied: true, updated: 1 });
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });

  it("a liaison's import locks only organisations in its sectors", async () => {
    const energy = ok(
      await setup.gql(`mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id version } }`, {
        input: { externalKey: 'ENERGY-LOCK-1', name: 'Outside Water', primarySector: 'ENERGY', state: 'TX', sizeBand: 'SMALL', criticalityTier: 2 },
      }),
    ).createOrganisation;
    const holder = new Client({ connectionString: setup.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM organisation WHERE external_key = 'POOL-30' FOR UPDATE`);
      // the other sector's key comes first: an import that locked every key would hold it while it waits for POOL-30
      const importing = post(
        setup,
        'organisations',
        csv([`ENERGY-LOCK-1,Taken Over,WATER,,TX,SMALL,2`, row(30, 'Renamed in scope')]),
        water,
        '?applyGoodRows=true',
      );
      await waitFor('the import waiting for POOL-30', async () => (await lockWaiters()) >= 1);
      let timer: NodeJS.Timeout | undefined;
      const written = await Promise.race([
        setup.gql(UPDATE, { input: { id: energy.id, version: energy.version, name: 'Outside Water, renamed by its own liaison' } }),
        new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 20_000))), // an import holding it: blocked until the lock timeout
      ]);
      clearTimeout(timer);
      expect(written && ok(written).updateOrganisation.name).toBe('Outside Water, renamed by its own liaison');
      await holder.query('COMMIT');
      const report = await (await importing).json();
      expect(report).toMatchObject({
        applied: true,
        updated: 1,
        badRows: 1,
        errors: [{ line: 2, column: 'external_key', reason: expect.stringMatching(/outside your sectors/) }],
      });
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });
});
