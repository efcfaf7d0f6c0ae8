import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@libs/core/clock/clock';
import { JobProducer } from '@libs/jobs/job-producer';
import { JobName, QueueName } from '@libs/jobs/queues';
import { GENERATION_SQL } from './delivery.service';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';

const BATCH = 1000;

/**
 * Moves committed outbox rows whose time has come to the delivery queue, the row id as the job id.
 * It claims rows in one autocommitted statement (PENDING → ENQUEUED) and only then talks to Redis, so
 * nothing is enqueued inside an open transaction; if Redis refuses, the rows go back to PENDING. A
 * sweep re-adds rows claimed but never queued (a crash between the two); the job id makes that a no-op
 * when the job is there. Several relays may run: SKIP LOCKED shares the rows out.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private lastSweep = 0;
  private wake: (() => void) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly jobs: JobProducer,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  onApplicationBootstrap() {
    if (!this.jobs.queue(QueueName.ReminderDelivery)) return;
    this.running = true;
    void this.loop();
  }

  async onApplicationShutdown() {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  /** One pass: what a test or the planner can call to move rows at once. */
  async relayOnce(): Promise<number> {
    const [rows] = await this.dataSource.query(
      `UPDATE reminder_delivery SET state = 'ENQUEUED', enqueued_at = now()
       WHERE id IN (SELECT id FROM reminder_delivery WHERE state = 'PENDING' AND due_at <= $1 ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, ${GENERATION_SQL} AS generation`,
      [this.clock.now(), BATCH],
    );
    const ids: string[] = rows.map((r: { id: string }) => String(r.id));
    if (ids.length === 0) return 0;
    try {
      await this.enqueue(rows);
    } catch (error) {
      await this.dataSource.query(`UPDATE reminder_delivery SET state = 'PENDING', enqueued_at = NULL WHERE id = ANY($1::bigint[]) AND state = 'ENQUEUED'`, [
        ids,
      ]);
      throw error;
    }
    return ids.length;
  }

  /**
   * The job id names the row and the instant it was handed to the queue: a row stopped while queued and
   * planned again later is a new job, and the old job, should it still run, finds its generation gone.
   */
  private async enqueue(rows: Array<{ id: string; generation: string }>) {
    const queue = this.jobs.queue(QueueName.ReminderDelivery)!;
    await queue.addBulk(
      rows.map(({ id, generation }) => ({
        name: JobName.DeliverReminder,
        data: { deliveryId: String(id), generation },
        opts: {
          jobId: `delivery-${id}-${generation}`,
          attempts: this.runtime.config.DELIVERY_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.runtime.config.DELIVERY_BACKOFF_MS },
        },
      })),
    );
  }

  /**
   * Every delivery ends SENT or FAILED, or goes round again: a row left ENQUEUED or SENDING longer than
   * DELIVERY_STUCK_MS, and longer than its job's lock and whole retry schedule (its job failed for good
   * while PostgreSQL was away, its worker died after the lock lapsed, its job was lost with Redis) is handed to the queue again under a new generation, so
   * a new job id that BullMQ does not ignore; the old job, should it still run, finds its generation
   * gone. Each pass takes the longest-stuck rows first and moves them on, so newer ones are reached too.
   */
  async sweep(): Promise<number> {
    const c = this.runtime.config;
    // never sooner than a live job could still be at it: its lock, and its whole retry schedule
    // (exponential backoff: the first delay doubled at each of its attempts)
    const stuckMs = Math.max(c.DELIVERY_STUCK_MS, 2 * c.DELIVERY_LOCK_MS, c.DELIVERY_BACKOFF_MS * 2 ** Math.min(c.DELIVERY_ATTEMPTS, 30));
    const [rows] = await this.dataSource.query(
      `UPDATE reminder_delivery SET state = 'ENQUEUED', enqueued_at = clock_timestamp()
       WHERE id IN (SELECT id FROM reminder_delivery
                    WHERE (state = 'ENQUEUED' AND enqueued_at < now() - make_interval(secs => $1))
                       OR (state = 'SENDING' AND sending_since < now() - make_interval(secs => $1))
                    ORDER BY coalesce(enqueued_at, sending_since), id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, ${GENERATION_SQL} AS generation`,
      [stuckMs / 1000, BATCH * 10],
    );
    if (rows.length) await this.enqueue(rows);
    return rows.length;
  }

  private async loop() {
    while (this.running) {
      let moved = 0;
      try {
        moved = await this.relayOnce();
        if (Date.now() - this.lastSweep > this.runtime.config.RELAY_SWEEP_MS) {
          this.lastSweep = Date.now();
          await this.sweep();
        }
      } catch (error) {
        this.logger.warn(`relay paused: ${(error as Error).message}`);
      }
      if (moved < BATCH && this.running) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.runtime.config.RELAY_IDLE_MS);
        });
      }
    }
  }
}
