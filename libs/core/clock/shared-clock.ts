import type { DataSource } from 'typeorm';
import { Clock, SimulatedClock } from './clock';

const POLL_MS = 250;

/**
 * Keeps a simulated clock the same in every process of a drill: moving it writes the instant to
 * PostgreSQL, and each process reads it back within a quarter second. A process started with another
 * TRACKER_NOW than the stored drill starts a new drill from its own instant.
 */
export class SharedClock {
  protected timer: NodeJS.Timeout | null = null;
  protected startedFrom: Date | null = null;
  /** Bumped by every local set: a poll that began before it must not bring the old instant back. */
  private generation = 0;

  constructor(
    protected readonly clock: Clock,
    protected readonly dataSource: Pick<DataSource, 'query'>,
  ) {}

  get simulated(): boolean {
    return this.clock instanceof SimulatedClock;
  }

  async start() {
    if (!(this.clock instanceof SimulatedClock)) return;
    this.startedFrom = this.clock.now();
    const [row] = await this.dataSource.query(`SELECT started_from, instant FROM simulated_time`);
    if (row && new Date(row.started_from).getTime() === this.startedFrom.getTime()) this.clock.set(row.instant);
    else await this.write(this.startedFrom);
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  async set(instant: Date): Promise<void> {
    if (!(this.clock instanceof SimulatedClock)) throw new Error('the clock is not simulated');
    this.generation += 1;
    this.clock.set(instant);
    try {
      await this.write(instant);
    } finally {
      // A poll that began while the write was in flight read the old row: bump again so that one still
      // running is ignored, and set the instant again in case one finished first and brought it back.
      this.generation += 1;
      this.clock.set(instant);
    }
  }

  private async write(instant: Date) {
    await this.dataSource.query(
      `INSERT INTO simulated_time (singleton, started_from, instant) VALUES (true, $1, $2)
       ON CONFLICT (singleton) DO UPDATE SET started_from = $1, instant = $2, updated_at = now()`,
      [this.startedFrom, instant],
    );
  }

  /** Reads the shared instant now, for a process about to stamp a time (a drill's processes may lag by a poll). */
  async refresh(): Promise<void> {
    if (this.timer) await this.poll();
  }

  private async poll() {
    const generation = this.generation;
    try {
      const [row] = await this.dataSource.query(`SELECT started_from, instant FROM simulated_time`);
      if (generation !== this.generation) return;
      if (row && this.startedFrom && new Date(row.started_from).getTime() === this.startedFrom.getTime()) (this.clock as SimulatedClock).set(row.instant);
    } catch {
      // the database is away: keep the last instant
    }
  }
}
