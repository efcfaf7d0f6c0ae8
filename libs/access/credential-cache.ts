import { Client } from 'pg';

/** A credential row as the cache holds it: what authentication needs, nothing more. */
export interface CachedCredential {
  id: string;
  row: Record<string, unknown>;
}

const CHANNEL = 'api_credential_changed';

/**
 * What this process remembers of the credentials it has seen, so that a request costs no statement to
 * say who is calling. It is only used while a PostgreSQL connection of its own listens on the channel
 * that every change to a credential is announced on when it commits (migration 0029): a revocation by
 * any process, the CLI or an operator's SQL drops the credential here at once. While that connection
 * is down (or not yet up) nothing is served from memory and the cache is emptied, so a missed
 * announcement cannot keep a revoked credential alive; `ttlMs` bounds an entry's age besides. Expiry is
 * checked on every use by the caller, against the row. `ttlMs` 0 turns it off.
 *
 * pg's own LISTEN is used rather than Redis pub/sub: the announcement comes from the database that holds
 * the credential, in its commit, whatever wrote it, and the API needs no Redis to serve.
 */
export class CredentialCache {
  private readonly entries = new Map<string, { at: number; credential: CachedCredential }>();
  private listener: Client | null = null;
  private listening = false;
  private starting: Promise<void> | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly ttlMs: number,
    private readonly onProblem: (message: string) => void,
    private readonly maxEntries = 10_000,
  ) {}

  /** The credential remembered under a token's hash, while the cache may be trusted. */
  get(key: string): CachedCredential | undefined {
    if (!this.active()) return undefined;
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (Date.now() - hit.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.credential;
  }

  /**
   * Remembers a credential read after `epoch()` answered `epoch`: only if nothing was announced (and the
   * listener did not restart) since, so a revocation that raced the read is never remembered as valid.
   */
  set(key: string, credential: CachedCredential, epoch: number | null): void {
    if (!this.active() || epoch === null || epoch !== this.epochs) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { at: Date.now(), credential });
  }

  /** To take before reading a credential for `set`: null while the cache may not be filled. */
  epoch(): number | null {
    if (!this.active()) {
      this.start();
      return null;
    }
    return this.epochs;
  }

  /** Stops listening (the process is shutting down). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.drop();
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  /** Counts announcements and listener starts: a read is remembered only if none came while it ran. */
  private epochs = 0;

  private active(): boolean {
    return this.ttlMs > 0 && this.listening && !this.closed;
  }

  private drop(): void {
    this.listening = false;
    this.entries.clear();
  }

  /** Forgets a credential this process changed itself, before its announcement comes back. */
  forget(id: string): void {
    this.epochs += 1;
    this.evict(id);
  }

  private evict(id: string): void {
    if (id === '*') return this.entries.clear();
    for (const [key, entry] of this.entries) if (entry.credential.id === id) this.entries.delete(key);
  }

  private start(): void {
    if (this.ttlMs <= 0 || this.closed || this.starting || this.retry) return;
    this.starting = (async () => {
      const client = new Client({ connectionString: this.databaseUrl, application_name: 'credential-changes' });
      const lost = (why: string) => {
        if (this.listener !== client) return;
        this.listener = null;
        this.drop();
        client.end().catch(() => undefined);
        if (this.closed) return;
        this.onProblem(`credential announcements lost (${why}): credentials are read from the database on every request until they are back`);
        this.retry = setTimeout(() => {
          this.retry = null;
          this.start();
        }, 1000);
        this.retry.unref();
      };
      client.on('notification', (message) => {
        if (message.channel !== CHANNEL) return;
        this.epochs += 1;
        this.evict(message.payload ?? '*');
      });
      client.on('error', (error) => lost(error.message));
      client.on('end', () => lost('connection ended'));
      try {
        this.listener = client;
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        if (this.listener !== client || this.closed) return;
        this.epochs += 1;
        this.listening = true;
      } catch (error) {
        lost((error as Error).message);
      }
    })().finally(() => {
      this.starting = null;
    });
  }
}
