/**
 * A token bucket per credential, in this process's memory: `burst` mutations at once, refilled at
 * `perMinute`. Kept in memory on purpose: writes must go on while Redis is away. With N API
 * processes behind a balancer a credential gets at most N times the rate.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes `amount` tokens (one by default, never more than the burst); returns 0 when allowed, else the seconds to wait. */
  take(key: string, amount = 1): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.buckets.delete(this.buckets.keys().next().value!);
    const need = Math.min(amount, this.burst);
    if (bucket.tokens >= need) {
      bucket.tokens -= need;
      return 0;
    }
    return Math.ceil((need - bucket.tokens) / ratePerMs / 1000);
  }
}
