/**
 * Queue names. Renaming a value orphans the jobs already queued under the old name: add a new
 * queue and drain the old one instead.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Reminders = 'reminders',
  ReminderDelivery = 'reminder-delivery',
}

export enum JobName {
  /** Recompute every organisation's stored status: time passing changes it even when no one writes. */
  RefreshStatuses = 'refresh-statuses',
  /** Work out due reminders from PostgreSQL and write them to the outbox. */
  PlanReminders = 'plan-reminders',
  /** Send one outbox row; the job id is the row id. */
  DeliverReminder = 'deliver-reminder',
}

export interface JobPayloads {
  [JobName.RefreshStatuses]: { programmeId?: string };
  [JobName.PlanReminders]: { programmeId?: string };
  [JobName.DeliverReminder]: { deliveryId: string; /** the row's hand-over to the queue; absent on jobs queued before it existed */ generation?: string };
}

/** The queue each job goes to; the compiler checks that every job has one. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.RefreshStatuses]: QueueName.Maintenance,
  [JobName.PlanReminders]: QueueName.Reminders,
  [JobName.DeliverReminder]: QueueName.ReminderDelivery,
};

export type JobOf<N extends JobName> = { name: N; data: JobPayloads[N] };

/** Central BullMQ defaults: failures stay visible, successes are trimmed. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 5_000 },
  removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
  removeOnFail: false,
};

/** The time zone job schedulers run in, pinned so a host's TZ never shifts the schedule. */
export const SCHEDULER_TIME_ZONE = 'America/New_York';

export function redisConnectionOptions(url: string, sentinel?: { sentinels?: string; name: string }) {
  const u = new URL(url);
  // Through Sentinel the client asks the sentinels where the master is, and follows a failover.
  const where = sentinel?.sentinels
    ? {
        sentinels: sentinel.sentinels.split(',').map((hp) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) })),
        name: sentinel.name,
      }
    : { host: u.hostname, port: Number(u.port || 6379) };
  return {
    ...where,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // Reconnect for ever with a ceiling: an outage of Redis must not end the process.
    retryStrategy: (times: number) => Math.min(times * 500, 5_000),
  };
}
