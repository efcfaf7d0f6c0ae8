import { loadConfig } from '@libs/core/config/config';
import { redisConnectionOptions } from './queues';

describe('redis connection options', () => {
  it('connects to the host of REDIS_URL, with its password and database', () => {
    expect(redisConnectionOptions('redis://:s3cret@cache.internal:6380/2')).toMatchObject({ host: 'cache.internal', port: 6380, password: 's3cret', db: 2 });
  });

  it('asks the sentinels for the master when REDIS_SENTINELS is set, keeping the password and database of REDIS_URL', () => {
    const options = redisConnectionOptions('redis://:s3cret@ignored:6379/1', { sentinels: 'sentinel-1:26379,10.0.0.7:26380', name: 'tracker' });
    expect(options).toMatchObject({
      sentinels: [
        { host: 'sentinel-1', port: 26379 },
        { host: '10.0.0.7', port: 26380 },
      ],
      name: 'tracker',
      password: 's3cret',
      db: 1,
    });
    expect(options).not.toHaveProperty('host');
  });

  it('refuses a malformed sentinel list and read-replica list by name', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: 'sentinel-1' })).toThrow(/REDIS_SENTINELS must be comma-separated host:port pairs/);
    expect(() => loadConfig({ DATABASE_READ_URLS: 'postgres://a/x,mysql://b/y' })).toThrow(/DATABASE_READ_URLS must be comma-separated postgres:\/\/ URLs/);
    expect(loadConfig({ REDIS_SENTINELS: 'a:1,b:2', DATABASE_READ_URLS: 'postgres://r1/t,postgres://r2/t' })).toMatchObject({
      redisUrlGiven: true,
      DASHBOARD_CACHE_MS: 5000,
      DATABASE_POOL_MAX: 20,
    });
  });
});
