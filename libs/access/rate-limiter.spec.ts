import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with a wait, then refills at the rate', () => {
    let now = 0;
    const limiter = new RateLimiter(60, 3, () => now); // one a second, bursts of three
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    now += 1000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('keeps credentials apart', () => {
    const limiter = new RateLimiter(60, 1, () => 0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0);
  });

  it('is off when the rate is zero', () => {
    const limiter = new RateLimiter(0, 0, () => 0);
    for (let i = 0; i < 100; i++) expect(limiter.take('a')).toBe(0);
  });

  it('takes a weight at a time (the cost of a query), never more than the burst', () => {
    let now = 0;
    const limiter = new RateLimiter(600, 100, () => now); // ten a second, a hundred at once
    expect(limiter.take('a', 60)).toBe(0);
    expect(limiter.take('a', 60)).toBe(2); // 20 short: two seconds
    now += 2000;
    expect(limiter.take('a', 60)).toBe(0);
    now += 60_000;
    expect(limiter.take('a', 1_000)).toBe(0); // a weight over the burst takes the whole burst
    expect(limiter.take('a', 1)).toBeGreaterThan(0);
  });
});
