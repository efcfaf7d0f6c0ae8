import { AggregateCache } from './aggregate-cache';

describe('AggregateCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('serves an answer younger than the ttl without computing again, and computes once it is older', async () => {
    const cache = new AggregateCache(5_000, clock);
    let calls = 0;
    const compute = async () => ++calls;
    expect(await cache.get('k', compute)).toBe(1);
    now += 4_999;
    expect(await cache.get('k', compute)).toBe(1);
    now += 1;
    expect(await cache.get('k', compute)).toBe(2);
    expect(calls).toBe(2);
  });

  it('shares one computation between callers that ask while it runs', async () => {
    const cache = new AggregateCache(5_000, clock);
    let calls = 0;
    let release!: (v: string) => void;
    const compute = () => {
      calls += 1;
      return new Promise<string>((r) => (release = r));
    };
    const a = cache.get('k', compute);
    const b = cache.get('k', compute);
    release('answer');
    expect(await Promise.all([a, b])).toEqual(['answer', 'answer']);
    expect(calls).toBe(1);
  });

  it('keeps answers apart by key', async () => {
    const cache = new AggregateCache(5_000, clock);
    expect(await cache.get('liaison:ENERGY', async () => 'energy')).toBe('energy');
    expect(await cache.get('liaison:WATER', async () => 'water')).toBe('water');
  });

  it('does not keep a failure: the next caller computes again', async () => {
    const cache = new AggregateCache(5_000, clock);
    await expect(
      cache.get('k', async () => {
        throw new Error('database away');
      }),
    ).rejects.toThrow('database away');
    expect(await cache.get('k', async () => 'back')).toBe('back');
  });

  it('computes every time when the ttl is 0', async () => {
    const cache = new AggregateCache(0, clock);
    let calls = 0;
    await cache.get('k', async () => ++calls);
    await cache.get('k', async () => ++calls);
    expect(calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('stays within its size, dropping expired entries first and then the oldest', async () => {
    const cache = new AggregateCache(5_000, clock, 3);
    await cache.get('a', async () => 1);
    now += 6_000;
    await cache.get('b', async () => 2);
    await cache.get('c', async () => 3);
    await cache.get('d', async () => 4); // evicts expired a
    expect(cache.size).toBe(3);
    await cache.get('e', async () => 5); // nothing expired: evicts the oldest, b
    expect(cache.size).toBe(3);
    let recomputed = false;
    await cache.get('b', async () => {
      recomputed = true;
      return 2;
    });
    expect(recomputed).toBe(true);
  });
});
