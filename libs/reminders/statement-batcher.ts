/** Runs one batch as one statement: the items in the batcher's order, each key once; answers each key's result it has one for. */
export type BatchStatement<I, R> = (items: readonly I[]) => Promise<ReadonlyMap<string, R>>;

export interface StatementBatcherOptions<I> {
  /** Which row an item is about; an item whose key is already in the batch waits for the next one. */
  key(item: I): string;
  /** The order a batch's items are given to the statement (rows locked in one order by every process). */
  order(a: I, b: I): number;
  /** At most this many items in one statement (default 256). */
  maxItems?: number;
  /** Tries of a batch that a deadlock or a serialization failure aborted, the first one included (default 5). */
  tries?: number;
  /** Defers the flush to the end of the current turn of the event loop (default setImmediate). */
  defer?: (flush: () => void) => void;
}

interface Waiting<I, R> {
  item: I;
  resolve: (result: R | undefined) => void;
  reject: (error: unknown) => void;
}

/** PostgreSQL aborted the statement to break a deadlock or a serialization conflict: running it again is safe. */
function retryable(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return code === '40P01' || code === '40001';
}

/**
 * Turns the same small statement asked for by many concurrent callers (a worker's jobs) into one
 * statement per batch. What is asked during one turn of the event loop, and while the previous batch
 * is running, goes out together, in key order, at most `maxItems` at once, one batch at a time; each
 * caller gets back its own key's result (undefined: the statement had none for it). A batch PostgreSQL
 * aborts for a deadlock is run again (it was one autocommitted statement, so nothing of it stayed); any
 * other failure, or the last deadlock, rejects every caller of the batch. The same key twice is never
 * in one batch: the second waits for the next, so it sees what the first did, as it would have alone.
 */
export class StatementBatcher<I, R> {
  private queued: Array<Waiting<I, R>> = [];
  private scheduled = false;
  private running = false;
  private readonly maxItems: number;
  private readonly tries: number;
  private readonly defer: (flush: () => void) => void;

  constructor(
    private readonly statement: BatchStatement<I, R>,
    private readonly options: StatementBatcherOptions<I>,
  ) {
    this.maxItems = options.maxItems ?? 256;
    this.tries = options.tries ?? 5;
    this.defer = options.defer ?? ((flush) => setImmediate(flush));
  }

  run(item: I): Promise<R | undefined> {
    return new Promise<R | undefined>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.running || this.queued.length === 0) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush() {
    if (this.running) return;
    const batch = this.take();
    if (batch.length === 0) return;
    this.running = true;
    try {
      await this.execute(batch);
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  /** The next batch: the first of each key, up to maxItems, in order; the rest stay queued in arrival order. */
  private take(): Array<Waiting<I, R>> {
    const batch: Array<Waiting<I, R>> = [];
    const keys = new Set<string>();
    const rest: Array<Waiting<I, R>> = [];
    for (const waiting of this.queued) {
      const key = this.options.key(waiting.item);
      if (batch.length >= this.maxItems || keys.has(key)) rest.push(waiting);
      else {
        keys.add(key);
        batch.push(waiting);
      }
    }
    this.queued = rest;
    return batch.sort((a, b) => this.options.order(a.item, b.item));
  }

  private async execute(batch: Array<Waiting<I, R>>) {
    const items = batch.map((w) => w.item);
    for (let attempt = 1; ; attempt++) {
      let results: ReadonlyMap<string, R>;
      try {
        results = await this.statement(items);
      } catch (error) {
        if (attempt < this.tries && retryable(error)) continue;
        for (const w of batch) w.reject(error);
        return;
      }
      for (const w of batch) w.resolve(results.get(this.options.key(w.item)));
      return;
    }
  }
}

/** Key order for non-negative integer ids written as decimal text (bigint row ids): shorter first, then by digits. */
export function byNumericId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Items about bigint rows by their id (text): keyed and locked in id order. */
export const BY_ROW_ID: StatementBatcherOptions<{ id: string }> = { key: (item) => item.id, order: (a, b) => byNumericId(a.id, b.id) };
