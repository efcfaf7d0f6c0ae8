import { dataSourceOptions } from './data-source';

describe('data source options', () => {
  it('talks to DATABASE_URL alone when no replica is configured', () => {
    const o = dataSourceOptions('postgres://p@primary:5432/tracker') as Record<string, any>;
    expect(o.url).toBe('postgres://p@primary:5432/tracker');
    expect(o.replication).toBeUndefined();
    expect(o.extra.max).toBe(20);
    expect(o.extra).not.toHaveProperty('statement_timeout');
  });

  it('passes the server limits to every connection, leaving out those set to 0', () => {
    const o = dataSourceOptions('postgres://p@primary:5432/tracker', undefined, {
      statementTimeoutMs: 60_000,
      lockTimeoutMs: 0,
      idleInTransactionTimeoutMs: 30_000,
    }) as Record<string, any>;
    expect(o.extra).toMatchObject({ statement_timeout: 60_000, idle_in_transaction_session_timeout: 30_000 });
    expect(o.extra).not.toHaveProperty('lock_timeout');
  });

  it('sends writes to the primary and offers the replicas for reads (TypeORM replication)', () => {
    const o = dataSourceOptions('postgres://p@primary:5432/tracker', undefined, {
      readUrls: ['postgres://r@replica-1/tracker', 'postgres://r@replica-2/tracker'],
      poolMax: 40,
    }) as Record<string, any>;
    expect(o.url).toBeUndefined();
    // defaultMode 'master': a find() or query builder read goes to the primary unless it asks for a replica
    expect(o.replication).toEqual({
      master: { url: 'postgres://p@primary:5432/tracker' },
      slaves: [{ url: 'postgres://r@replica-1/tracker' }, { url: 'postgres://r@replica-2/tracker' }],
      defaultMode: 'master',
    });
    expect(o.extra.max).toBe(40);
  });
});
