export function testServerUrls() {
  return {
    postgres: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redis: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}
