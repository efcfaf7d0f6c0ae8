import { Client, Pool } from 'pg';
import { preparingClient } from '@libs/core/database/prepared-statements';
import { dropDatabase } from './support/server';
import { testServerUrls } from './support/services';

/**
 * The pool's client that keeps parameterised statements prepared (DATABASE_PREPARED_STATEMENTS), against
 * a real PostgreSQL: what the server holds per connection is read from pg_prepared_statements.
 */
describe('prepared statements per connection', () => {
  const database = `tracker_prepared_${Date.now().toString(36)}`;
  let url: string;
  let pool: Pool;

  beforeAll(async () => {
    const admin = new Client({ connectionString: testServerUrls().postgres });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const u = new URL(testServerUrls().postgres);
    u.pathname = `/${database}`;
    url = u.toString();
    const setup = new Client({ connectionString: url });
    await setup.connect();
    await setup.query(`CREATE TABLE item (id int PRIMARY KEY, name text); INSERT INTO item SELECT g, 'item ' || g FROM generate_series(1, 10) g`);
    await setup.end();
    // one connection, so every statement below shares its cache; at most two statements kept
    pool = new Pool({ connectionString: url, max: 1, Client: preparingClient(2) });
  });
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(database);
  });

  const held = async () =>
    (await pool.query(`SELECT name, statement FROM pg_prepared_statements WHERE statement NOT LIKE '%pg_prepared_statements%' ORDER BY name`)).rows;

  it('prepares a parameterised statement once and runs it again by name; statements without parameters are left alone', async () => {
    const text = 'SELECT name FROM item WHERE id = $1';
    expect((await pool.query(text, [1])).rows).toEqual([{ name: 'item 1' }]);
    expect((await pool.query(text, [2])).rows).toEqual([{ name: 'item 2' }]);
    expect((await pool.query('SELECT count(*)::int AS n FROM item')).rows).toEqual([{ n: 10 }]);
    expect(await held()).toEqual([{ name: 'p1', statement: text }]);
  });

  it('keeps the most recently used statements only, deallocating the one it drops', async () => {
    await pool.query('SELECT id FROM item WHERE name = $1', ['item 3']);
    await pool.query('SELECT name FROM item WHERE id = $1', [4]); // p1 used again: now the most recent
    await pool.query('SELECT id FROM item WHERE id > $1 ORDER BY id LIMIT 1', [5]); // a third: the least recent (p2) goes
    expect((await held()).map((r: any) => r.name)).toEqual(['p1', 'p3']);
    // a dropped text comes back under a new name, never an old one
    expect((await pool.query('SELECT id FROM item WHERE name = $1', ['item 6'])).rows).toEqual([{ id: 6 }]);
    expect((await held()).map((r: any) => r.name)).toEqual(['p3', 'p4']);
  });

  it('answers a statement that fails to parse with its own error every time, not with a missing prepared statement', async () => {
    const bad = 'SELECT nme FROM item WHERE id = $1';
    for (let i = 0; i < 2; i++) await expect(pool.query(bad, [1])).rejects.toMatchObject({ code: '42703' });
    expect((await pool.query('SELECT name FROM item WHERE id = $1', [7])).rows).toEqual([{ name: 'item 7' }]);
  });

  it('after a table it reads changes shape, fails once as PostgreSQL reports it and prepares the statement anew', async () => {
    const text = 'SELECT * FROM item WHERE id = $1';
    expect((await pool.query(text, [8])).rows).toEqual([{ id: 8, name: 'item 8' }]);
    await pool.query('ALTER TABLE item ADD COLUMN note text');
    await expect(pool.query(text, [8])).rejects.toMatchObject({ code: '0A000' });
    expect((await pool.query(text, [8])).rows).toEqual([{ id: 8, name: 'item 8', note: null }]);
  });
});
