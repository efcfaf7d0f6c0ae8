import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@libs/core/clock/clock';
import { ClockSync } from '@libs/core/clock/clock-sync';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import { signingSecretsSql } from '@libs/data/webhook-secrets.repository';
import { EmailChannel, WebhookChannel } from './channels/channels';
import { redactedWebhook, WebhookAddressPolicy } from './channels/webhook-address';
import type { ReminderPayload } from '@libs/domain/reminders/reminder-payload';
import { MessageLink, renderReminder } from '@libs/domain/reminders/templates';
import { LinksService } from '@libs/links/links.service';
import { BY_ROW_ID, StatementBatcher } from './statement-batcher';

/** SENT; SKIPPED (not this job's to send); or BUSY: another run of the same hand-over holds the row, try again in `retryInMs`. */
export type DeliveryOutcome = 'SENT' | 'SKIPPED' | { busy: true; retryInMs: number };

/** Which hand-over to the queue a row is in: its enqueue instant in microseconds, as text. */
export const GENERATION_SQL = `(extract(epoch FROM enqueued_at) * 1000000)::bigint::text`;

/** A row id as the relay writes it, which a bigint[] takes. */
const BATCHABLE_ID = /^(0|[1-9][0-9]{0,17})$/;

interface ClaimRequest {
  id: string;
  generation: string | null;
}

interface SentMark {
  id: string;
  sentAt: Date;
}

/**
 * Sends one outbox row. The row is claimed (SENDING) before the send and marked SENT after it; a row
 * already SENT, CANCELLED or FAILED is skipped, so a job run twice never sends twice after success.
 * A worker killed between the send and the mark leaves SENDING: the retry sends again with the same
 * delivery id (Message-ID, webhook-id and X-Tracker-Delivery), which is how the receiver recognises it.
 * A SENDING row is taken again only once its delivery lock (DELIVERY_LOCK_MS) has passed since it was
 * taken: before that, the run that holds it may still be sending (BullMQ hands a job whose lock lapsed
 * under load to another worker while the first still runs), and the second run waits (BUSY) instead of
 * sending twice, burning neither the row's tries nor the job's. The claims of a worker's concurrent jobs
 * go to PostgreSQL together, one statement per batch, and so do their SENT marks (./statement-batcher.ts).
 */
@Injectable()
export class DeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly email: EmailChannel;
  private readonly webhook: WebhookChannel;
  private readonly lockMs: number;
  /** The claims and the SENT marks of concurrent jobs, each batch one statement (./statement-batcher.ts). */
  private readonly claims = new StatementBatcher<ClaimRequest, Record<string, any>>((requests) => this.claim(requests), BY_ROW_ID);
  private readonly sentMarks = new StatementBatcher<SentMark, void>((marks) => this.markSent(marks), BY_ROW_ID);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly clockSync: ClockSync,
    private readonly links: LinksService,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.email = new EmailChannel(runtime.config.SMTP_URL, runtime.config.MAIL_FROM);
    this.webhook = new WebhookChannel(new WebhookAddressPolicy(runtime.config.WEBHOOK_LOCAL_HOSTS));
    this.lockMs = runtime.config.DELIVERY_LOCK_MS;
  }

  onModuleDestroy() {
    this.email.close();
  }

  /**
   * `generation`: the hand-over the job was made for. The claim is the check before the send: a row
   * stopped since (CANCELLED: the organisation completed, reported, snoozed, changed its contacts), or
   * stopped and queued again under a new job, is not this job's to send.
   */
  async deliver(deliveryId: string, attempt: { final: boolean; max: number }, generation?: string): Promise<DeliveryOutcome> {
    await this.clockSync.refresh();
    const request = { id: deliveryId, generation: generation ?? null };
    // an id the batch's bigint[] would refuse fails alone, as it always did, not the batch it would be in
    const row = BATCHABLE_ID.test(deliveryId) ? await this.claims.run(request) : (await this.claim([request])).get(deliveryId);
    if (!row) {
      // held by another run of this hand-over, within its lock: come back when the lock has passed
      const [held] = await this.dataSource.query(
        `SELECT ceil(extract(epoch FROM sending_since + make_interval(secs => $3::float8 / 1000) - clock_timestamp()) * 1000)::int AS wait_ms
         FROM reminder_delivery WHERE id = $1 AND ($2::text IS NULL OR ${GENERATION_SQL} = $2) AND state = 'SENDING'`,
        [deliveryId, generation ?? null, this.lockMs],
      );
      return held ? { busy: true, retryInMs: Math.max(held.wait_ms, 0) + 100 } : 'SKIPPED';
    }
    // the row's own count decides as well as the job's: a run whose failure BullMQ never recorded (its lock
    // had lapsed) still counted on the row
    const finalAttempt = attempt.final || row.attempts >= attempt.max;
    const payload = row.payload as ReminderPayload;
    const link = await this.linkOf(row, payload);
    if (link === 'gone') {
      // an invitation or a fresh link for a contact removed since: nobody to send it to
      await this.dataSource.query(`UPDATE reminder_delivery SET state = 'CANCELLED', cancel_reason = 'contact removed' WHERE id = $1 AND state = 'SENDING'`, [
        row.id,
      ]);
      return 'SKIPPED';
    }
    const message = renderReminder(payload, row.time_zone, link);
    const outgoing = {
      id: String(row.id),
      recipient: row.recipient,
      recipientName: row.recipient_name,
      message,
      body: {
        deliveryId: String(row.id),
        stage: row.stage,
        level: row.level,
        recipientRole: row.recipient_role,
        subject: message.subject,
        text: message.text,
        actionUrl: link?.url ?? null,
        reminder: payload,
      },
    };
    try {
      if (row.channel === 'EMAIL') await this.email.send(outgoing);
      else await this.webhook.send(outgoing, row.webhook_secrets ?? []);
    } catch (error) {
      const reason = (error as Error).message.slice(0, 1000);
      await this.dataSource.query(`UPDATE reminder_delivery SET state = $2, last_error = $3 WHERE id = $1 AND state = 'SENDING'`, [
        row.id,
        finalAttempt ? 'FAILED' : 'ENQUEUED',
        reason,
      ]);
      if (finalAttempt)
        this.logger.warn(`delivery ${row.id} to ${row.channel === 'WEBHOOK' ? redactedWebhook(row.recipient) : row.recipient} failed for good: ${reason}`);
      throw error;
    }
    await this.sentMarks.run({ id: String(row.id), sentAt: this.clock.now() });
    return 'SENT';
  }

  /**
   * Claims rows for their jobs, in one statement: SENDING, a try more, each only for its job's generation
   * (null: any) and only if it is PENDING or ENQUEUED, or SENDING with its delivery lock passed. Answers
   * the rows taken, by id, with the webhook's signing secrets and the contact's link generation.
   */
  private async claim(requests: readonly ClaimRequest[]): Promise<Map<string, Record<string, any>>> {
    const [rows] = await this.dataSource.query(
      // sending_since is PostgreSQL's time, like enqueued_at: locks and sweeps are measured in real time,
      // whatever instant a drill has the application's clock at
      `UPDATE reminder_delivery SET state = 'SENDING', sending_since = clock_timestamp(), attempts = attempts + 1
       FROM unnest($1::bigint[], $2::text[]) AS w(id, generation)
       WHERE reminder_delivery.id = w.id AND (w.generation IS NULL OR ${GENERATION_SQL} = w.generation)
         AND (state IN ('PENDING', 'ENQUEUED') OR (state = 'SENDING' AND sending_since <= clock_timestamp() - make_interval(secs => $4::float8 / 1000)))
       RETURNING reminder_delivery.*, CASE WHEN channel = 'WEBHOOK' THEN ${signingSecretsSql('reminder_delivery', '$3::timestamptz')} END AS webhook_secrets,
         (SELECT c.link_generation FROM contact c WHERE c.id = reminder_delivery.contact_id) AS link_generation`,
      // the owners' secrets as they are at the send (a rotation since the plan counts), on the application's
      // clock as the batch goes out
      [requests.map((r) => r.id), requests.map((r) => r.generation), this.clock.now(), this.lockMs],
    );
    return new Map((rows as Array<Record<string, any>>).map((row) => [String(row.id), row]));
  }

  /** Records sends, in one statement. */
  private async markSent(marks: readonly SentMark[]): Promise<Map<string, void>> {
    await this.dataSource.query(
      `UPDATE reminder_delivery SET state = 'SENT', sent_at = w.sent_at, last_error = NULL
       FROM unnest($1::bigint[], $2::timestamptz[]) AS w(id, sent_at) WHERE reminder_delivery.id = w.id`,
      [marks.map((m) => m.id), marks.map((m) => m.sentAt)],
    );
    return new Map();
  }

  /**
   * The link a message carries, made at the send for its recipient: an organisation's contact gets a
   * signed link to its organisation's page, at the contact's current link generation (a rotation since
   * the plan counts); an escalation contact gets the work page. 'gone': a link message whose contact was removed.
   */
  private async linkOf(row: Record<string, any>, payload: ReminderPayload): Promise<MessageLink | undefined | 'gone'> {
    const linkMessage = payload.kind === 'INVITATION' || payload.kind === 'LINK';
    if (!row.contact_id || row.link_generation === null || !payload.organisation) {
      if (linkMessage) return 'gone';
      return payload.kind === 'DIGEST' ? { url: `${this.links.publicUrl}/work` } : undefined;
    }
    // a message sent later than planned still carries a link that opens for a day at least
    const floor = this.clock.now().getTime() + 86_400_000;
    const expiresAt = new Date(Math.max(payload.linkExpiresAt ? Date.parse(payload.linkExpiresAt) : 0, floor));
    const url = await this.links.linkFor({
      contactId: row.contact_id,
      organisationId: payload.organisation.id,
      programmeId: row.programme_id,
      generation: row.link_generation,
      expiresAt,
    });
    return { url, expiresAt: expiresAt.toISOString() };
  }
}
