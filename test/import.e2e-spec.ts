import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newToken } from './support/factories';
import { baseEnv, CLI_MAIN, runNode, startServer, TestServer } from './support/server';

const SAMPLES = join(__dirname, '..', 'docs', 'samples');
const ORG_HEADER =
  'external_key,name,primary_sector,secondary_sectors,state,size_band,criticality_tier,primary_contact_name,primary_contact_email,primary_contact_time_zone';

describe('bulk import from CSV', () => {
  let server: TestServer;
  const post = (kind: string, body: string | Uint8Array, query = '', token = server.adminToken) =>
    fetch(`${server.url}/import/${kind}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: body as BodyInit,
    });
  const counts = async () =>
    (
      await server.sql(
        `SELECT (SELECT count(*) FROM organisation)::int AS orgs, (SELECT count(*) FROM footprint)::int AS fp, (SELECT count(*) FROM audit_event)::int AS audit, (SELECT count(*) FROM contact)::int AS contacts`,
      )
    )[0];

  beforeAll(async () => {
    server = await startServer({ now: '2024-08-01T12:00:00Z' });
  });
  afterAll(() => server?.stop());

  it('dry-runs the sample files, then imports them, and a re-run changes nothing', async () => {
    const before = await counts();
    const dry = await (await post('organisations', readFileSync(join(SAMPLES, 'organisations.csv')), '?dryRun=true')).json();
    expect(dry).toMatchObject({ dryRun: true, applied: false, rows: 3, created: 3, updated: 0, badRows: 0 });
    expect(await counts()).toEqual(before);

    const applied = await (await post('organisations', readFileSync(join(SAMPLES, 'organisations.csv')))).json();
    expect(applied).toMatchObject({ applied: true, rows: 3, created: 3 });
    const harbor = await server.sql(`SELECT name FROM organisation WHERE external_key = 'HHS-WA-0007'`);
    expect(harbor[0].name).toBe('Harbor Medical Center\n(North campus)');
    const prairie = (await server.sql(`SELECT name, secondary_sector_codes FROM organisation WHERE external_key = 'DOE-OK-0042'`))[0];
    expect(prairie).toEqual({ name: 'Prairie Power & Light, Inc.', secondary_sector_codes: ['CRITICAL_MANUFACTURING'] });
    const events = await server.sql(`SELECT DISTINCT import_id::text AS id FROM audit_event WHERE import_id IS NOT NULL`);
    expect(events).toEqual([{ id: applied.importId }]);
    expect(
      (await server.sql(`SELECT count(*)::int AS n FROM milestone m JOIN organisation o ON o.id = m.organisation_id WHERE o.external_key = 'EPA-TX-0001'`))[0]
        .n,
    ).toBe(7);

    const fp = await (await post('footprint', readFileSync(join(SAMPLES, 'footprint.csv')))).json();
    expect(fp).toMatchObject({ applied: true, rows: 4, created: 4, badRows: 0 });
    expect(
      (
        await server.sql(
          `SELECT count(DISTINCT track)::int AS n FROM milestone m JOIN organisation o ON o.id = m.organisation_id WHERE o.external_key = 'EPA-TX-0001'`,
        )
      )[0].n,
    ).toBe(2);

    const again = await (await post('organisations', readFileSync(join(SAMPLES, 'organisations.csv')))).json();
    const againFp = await (await post('footprint', readFileSync(join(SAMPLES, 'footprint.csv')))).json();
    expect([again.created, again.updated, again.unchanged, againFp.created, againFp.updated, againFp.unchanged]).toEqual([0, 0, 3, 0, 0, 4]);
    expect((await counts()).orgs).toBe(before.orgs + 3);
  });

  it('updates known rows in place and audits the fields before and after', async () => {
    const csv = `${ORG_HEADER}\r\nUPD-1,Old Name Utility,WATER,,OH,SMALL,3,Ann,ann@old.example,America/New_York\r\n`;
    await post('organisations', csv);
    const changed = await (await post('organisations', csv.replace('Old Name Utility', 'New Name Utility').replace(',3,', ',2,'))).json();
    expect(changed).toMatchObject({ created: 0, updated: 1 });
    const [event] = await server.sql(`SELECT before, after FROM audit_event WHERE action = 'import-update' AND import_id = $1`, [changed.importId]);
    expect(event).toEqual({ before: { name: 'Old Name Utility', criticalityTier: 3 }, after: { name: 'New Name Utility', criticalityTier: 2 } });
  });

  it('lists every bad row with line, column and reason, and writes nothing', async () => {
    const csv = [
      ORG_HEADER,
      'BAD-1,Good Row,ENERGY,,TX,LARGE,1,Al,al@good.example,America/Chicago',
      'BAD-2,Bad Sector,SPACE,,TX,LARGE,1,,,',
      'BAD-3,Bad State,ENERGY,,ZZ,LARGE,1,,,',
      'BAD-4,Bad Tier,ENERGY,,TX,LARGE,7,,,',
      'BAD-5,Bad Mail,ENERGY,,TX,LARGE,1,Bo,not-an-email,America/Chicago',
      'BAD-6,Bad Zone,ENERGY,,TX,LARGE,1,Cy,cy@x.example,Mars/Base',
      'BAD-1,Duplicate Key,ENERGY,,TX,LARGE,1,,,',
      'BAD-7,Too,Many,Fields,ENERGY,,TX,LARGE,1,,,',
      'BAD-8,Bad Size,ENERGY,,TX,ENORMOUS,1,,,',
    ].join('\n');
    const before = await counts();
    const response = await post('organisations', csv);
    expect(response.status).toBe(422);
    const report = await response.json();
    expect(report).toMatchObject({ applied: false, rows: 9, badRows: 8 });
    expect(report.errors.map((e: any) => [e.line, e.column])).toEqual([
      [3, 'primary_sector'],
      [4, 'state'],
      [5, 'criticality_tier'],
      [6, 'primary_contact_email'],
      [7, 'primary_contact_time_zone'],
      [8, 'external_key'],
      [9, '*'],
      [10, 'size_band'],
    ]);
    expect(report.errors[0].reason).toMatch(/unknown sector "SPACE"/);
    expect(await counts()).toEqual({ ...before, audit: before.audit });

    const good = await (await post('organisations', csv, '?applyGoodRows=true')).json();
    expect(good).toMatchObject({ applied: true, created: 1, badRows: 8 });
    const bad = good.badRowsCsv.trim().split('\r\n');
    expect(bad).toHaveLength(9);
    expect(bad[0]).toMatch(/,error$/);
    expect(bad[1]).toMatch(/^BAD-2,Bad Sector,SPACE.*primary_sector: unknown sector/);
  });

  it.each([
    [
      'footprint with negative counts',
      'organisation_external_key,deployment_key,product_code,environment,endpoint_count,endpoints_remaining\r\nEPA-TX-0001,x,KAV,IT,-4,0\r\n',
      'endpoint_count',
    ],
    [
      'remaining above total',
      'organisation_external_key,deployment_key,product_code,environment,endpoint_count,endpoints_remaining\r\nEPA-TX-0001,x,KAV,IT,4,9\r\n',
      'endpoints_remaining',
    ],
    [
      'an unknown product',
      'organisation_external_key,deployment_key,product_code,environment,endpoint_count\r\nEPA-TX-0001,x,KASPERSKY_QUANTUM,IT,4\r\n',
      'product_code',
    ],
    [
      'an unknown environment',
      'organisation_external_key,deployment_key,product_code,environment,endpoint_count\r\nEPA-TX-0001,x,KAV,MOON,4\r\n',
      'environment',
    ],
    [
      'an unknown update channel',
      'organisation_external_key,deployment_key,product_code,environment,endpoint_count,update_channel\r\nEPA-TX-0001,x,KAV,IT,4,PIGEON\r\n',
      'update_channel',
    ],
    [
      'a bad date',
      'organisation_external_key,deployment_key,product_code,environment,endpoint_count,licence_end\r\nEPA-TX-0001,x,KAV,IT,4,31/12/2024\r\n',
      'licence_end',
    ],
    [
      'an unknown organisation',
      'organisation_external_key,deployment_key,product_code,environment,endpoint_count\r\nNOPE-1,x,KAV,IT,4\r\n',
      'organisation_external_key',
    ],
  ])('refuses %s', async (_what, csv, column) => {
    const report = await (await post('footprint', csv)).json();
    expect(report.errors.map((e: any) => e.column)).toEqual([column]);
    expect(report.applied).toBe(false);
  });

  it.each([
    ['a missing header column', 'external_key,name,primary_sector,state,size_band\r\nX,Y,WATER,TX,SMALL\r\n', /missing column\(s\) "criticality_tier"/],
    ['an unknown column', `${ORG_HEADER},favourite_colour\r\n`, /unknown column\(s\) "favourite_colour"/],
    ['semicolons for commas', 'external_key;name;primary_sector;state;size_band;criticality_tier\r\nX;Y;WATER;TX;SMALL;1\r\n', /separated by ";"/],
    ['an empty file', '', /empty/],
  ])('refuses a file with %s as a whole, naming the problem', async (_what, csv, message) => {
    const before = await counts();
    const response = await post('organisations', csv);
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it('refuses a file that is not UTF-8 and accepts one with a byte-order mark', async () => {
    const latin1 = Buffer.from(`${ORG_HEADER}\r\nENC-1,Caf\xe9 Utility,WATER,,TX,SMALL,3,,,\r\n`, 'latin1');
    const refused = await post('organisations', latin1);
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toMatch(/not UTF-8/);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${ORG_HEADER}\r\nENC-2,Café Utility,WATER,,TX,SMALL,3,,,\r\n`, 'utf8')]);
    const accepted = await (await post('organisations', bom)).json();
    expect(accepted).toMatchObject({ applied: true, created: 1 });
    expect((await server.sql(`SELECT name FROM organisation WHERE external_key = 'ENC-2'`))[0].name).toBe('Café Utility');
  });

  it('treats injection attempts as data', async () => {
    const csv = `${ORG_HEADER}\r\n"INJ-1","Robert'); DROP TABLE organisation;--",WATER,,TX,SMALL,3,,,\r\n"INJ-2","=HYPERLINK(""http://x"")",WATER,,TX,SMALL,3,,,\r\n`;
    const report = await (await post('organisations', csv)).json();
    expect(report).toMatchObject({ applied: true, created: 2 });
    const names = (await server.sql(`SELECT name FROM organisation WHERE external_key LIKE 'INJ-%' ORDER BY external_key`)).map((r) => r.name);
    expect(names).toEqual(["Robert'); DROP TABLE organisation;--", '=HYPERLINK("http://x")']);
  });

  it('keeps a liaison to its sectors: a row outside them is an error of that row', async () => {
    const liaison = (await newToken(server, { role: 'liaison', sectors: ['WATER'] })).token;
    const csv = `${ORG_HEADER}\r\nLIA-1,Water Row,WATER,,TX,SMALL,3,,,\r\nLIA-2,Energy Row,ENERGY,,TX,SMALL,3,,,\r\nDOE-OK-0042,Hijack,WATER,,OK,SMALL,3,,,\r\n`;
    const report = await (await post('organisations', csv, '', liaison)).json();
    expect(report.errors.map((e: any) => [e.line, e.column])).toEqual([
      [3, 'primary_sector'],
      [4, 'external_key'],
    ]);
    expect(report.applied).toBe(false);
    const viewer = (await newToken(server, { role: 'viewer' })).token;
    expect((await post('organisations', csv, '', viewer)).status).toBe(403);
  });

  it('reports the statement that failed, not those sent after it, and writes nothing', async () => {
    const fpHeader = readFileSync(join(SAMPLES, 'footprint.csv'), 'utf8').split(/\r?\n/)[0];
    await post('organisations', `${ORG_HEADER}\r\nFAIL-0,Already Here,ENERGY,,TX,SMALL,1,Al,al@here.example,America/Chicago\r\n`);
    const before = await counts();
    // rules the rows pass in Node and PostgreSQL refuses: the contact insert and the OT milestones are
    // each followed by statements sent before their answer came back
    await server.sql(`ALTER TABLE contact ADD CONSTRAINT test_refused_contact CHECK (name <> 'Refused Contact') NOT VALID`);
    await server.sql(`ALTER TABLE milestone ADD CONSTRAINT test_refused_ot CHECK (track <> 'OT') NOT VALID`);
    try {
      const orgs = await post('organisations', `${ORG_HEADER}\r\nFAIL-1,Refused,ENERGY,,TX,SMALL,1,Refused Contact,r@x.example,America/Chicago\r\n`);
      expect(orgs.status).toBe(400);
      expect(await orgs.json()).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('test_refused_contact') });
      const fp = await post('footprint', `${fpHeader}\r\nFAIL-0,plant,KICS_NODES,,,,OT,5,5,OFFLINE,,,\r\n`);
      expect(fp.status).toBe(400);
      expect(await fp.json()).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('test_refused_ot') });
      expect(await counts()).toEqual(before);
    } finally {
      await server.sql(`ALTER TABLE contact DROP CONSTRAINT test_refused_contact`);
      await server.sql(`ALTER TABLE milestone DROP CONSTRAINT test_refused_ot`);
    }
  });

  it('imports from the command line with a summary, and writes nothing on a dry run', async () => {
    const env = baseEnv({ DATABASE_URL: server.databaseUrl, TRACKER_NOW: '2024-08-01T12:00:00Z' });
    const dry = await runNode(CLI_MAIN, ['import', 'organisations', join(SAMPLES, 'organisations.csv'), '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/organisations: 3 rows, 0 to create\/created, 0 updated, 3 unchanged, 0 bad — dry run/);
    const id = /\(import ([0-9a-f-]{36})\)/.exec(dry.stdout)![1];
    const runs = await server.sql(`SELECT dry_run, applied, rows FROM import_run WHERE id = $1`, [id]);
    expect(runs).toEqual([{ dry_run: true, applied: false, rows: 3 }]);
    const bad = await runNode(CLI_MAIN, ['import', 'organisations', join(SAMPLES, 'footprint.csv')], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown column\(s\) "organisation_external_key"/);
  });
});
