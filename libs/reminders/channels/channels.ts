import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import nodemailer, { Transporter } from 'nodemailer';
import type { RenderedMessage } from '@libs/domain/reminders/templates';
import { WebhookAddressPolicy } from './webhook-address';
import { standardWebhookHeaders } from './webhook-signing';

export interface OutgoingDelivery {
  id: string;
  recipient: string;
  recipientName: string | null;
  message: RenderedMessage;
  body: Record<string, unknown>;
}

/** A delivery failed in a way a retry may fix; the message is kept on the row. */
class DeliveryError extends Error {}

/** E-mail over SMTP. The Message-ID is the delivery id, so a resend after a crash is recognisable. */
export class EmailChannel {
  private transport: Transporter | null;

  constructor(
    private readonly smtpUrl: string | undefined,
    private readonly from: string,
  ) {
    // bounded waits: a send never outlives the sweep's notion of a stuck delivery (DELIVERY_STUCK_MS)
    this.transport = smtpUrl
      ? nodemailer.createTransport(smtpUrl, {
          pool: true,
          maxConnections: 4,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        } as never)
      : null;
  }

  async send(d: OutgoingDelivery): Promise<void> {
    if (!this.transport) throw new DeliveryError('SMTP_URL is not configured: e-mail cannot be sent');
    await this.transport.sendMail({
      from: this.from,
      to: d.recipientName ? { name: d.recipientName, address: d.recipient } : d.recipient,
      subject: d.message.subject,
      text: d.message.text,
      html: d.message.html,
      messageId: `<delivery-${d.id}@tracker>`,
      headers: { 'X-Tracker-Delivery': d.id },
    });
  }

  close() {
    this.transport?.close();
  }
}

/** At most this much of a receiver's answer is read: nothing of it is kept, and a reply is no download. */
const MAX_ANSWER_BYTES = 4096;

/**
 * JSON webhooks, signed in the Standard Webhooks form with the receiver's own secrets
 * (./webhook-signing.ts): a receiver verifies `webhook-signature` over `webhook-id` (the delivery id),
 * `webhook-timestamp` and the body with any Standard Webhooks library, and de-duplicates on `webhook-id`.
 * Where a webhook may go is WebhookAddressPolicy's rule, checked again here as the connection is made;
 * redirects are not followed; a failure is kept as its class (refused, unreachable, timed out, the HTTP
 * status), never the remote text or the error of the connection, so the delivery's `lastError` tells a recipient nothing about the
 * network behind the worker.
 */
export class WebhookChannel {
  constructor(
    private readonly policy: WebhookAddressPolicy,
    private readonly timeoutMs = 10_000,
  ) {}

  /**
   * `secrets`: the receiver's own, current first (two during a rotation's overlap). `now` is the wall
   * clock, not the application's (which a drill may simulate): the timestamp is for the receiver's
   * replay window, checked against its own clock.
   */
  async send(d: OutgoingDelivery, secrets: readonly string[], now: () => number = Date.now): Promise<void> {
    const problem = this.policy.problemWith(d.recipient);
    if (problem) throw new DeliveryError(`webhook refused: the URL ${problem}`);
    // never unsigned, never with another receiver's secret: a webhook whose owner dropped or changed it is not sent
    if (secrets.length === 0) throw new DeliveryError('webhook has no signing secret: its owner removed or changed the URL');
    const body = JSON.stringify(d.body);
    const url = new URL(d.recipient);
    const status = await new Promise<number>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...standardWebhookHeaders(d.id, body, secrets, new Date(now())),
            'x-tracker-delivery': d.id,
            'user-agent': 'transition-tracker',
          },
          lookup: this.policy.lookupFor(url.hostname) as never,
          timeout: this.timeoutMs,
        },
        (response) => {
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_ANSWER_BYTES) response.destroy();
          });
          response.on('close', () => resolve(response.statusCode ?? 0));
          response.on('error', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      // a whole send, answer included, within the timeout: a receiver dripping bytes does not hold a sender
      const deadline = setTimeout(() => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), this.timeoutMs);
      request.on('close', () => clearTimeout(deadline));
      request.on('error', (error: NodeJS.ErrnoException) => reject(new DeliveryError(webhookFailure(error))));
      request.end(body);
    });
    if (status < 200 || status > 299) throw new DeliveryError(`webhook answered ${status}`);
  }
}

/** The class of a failure to reach a webhook, without the remote's words or the addresses behind it. */
function webhookFailure(error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRREFUSED') return 'webhook refused: its host resolves to an address that may not be reached';
  if (error.code === 'ETIMEDOUT') return 'webhook timed out';
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return 'webhook host not found';
  return 'webhook unreachable';
}
