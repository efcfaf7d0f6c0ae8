/**
 * Short-lived answers for aggregates that many callers poll: an answer younger than `ttlMs` is
 * served from memory, and callers asking while it is being computed share the one query (single
 * flight). A failed computation is not kept. `ttlMs` 0 turns the cache off. Per process: N API
 * processes hold N copies, each at most `ttlMs` old.
 */
export class AggregateCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return compute();
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && at - hit.at < this.ttlMs) return hit.value as Promise<T>;
    if (this.entries.size >= this.maxEntries) this.evict(at);
    const value = compute();
    const entry = { at, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** Forget everything (a drill moved the clock, say). */
  clear() {
    this.entries.clear();
  }

  get size() {
    return this.entries.size;
  }

  private evict(at: number) {
    for (const [key, entry] of this.entries) if (at - entry.at >= this.ttlMs) this.entries.delete(key);
    // Still full of fresh entries: drop the oldest (a Map iterates in insertion order).
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
