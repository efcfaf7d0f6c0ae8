import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

export interface ReceivedMessage {
  deliveryId: string;
  to: string;
  subject: string;
  body: string;
  receivedAt: number;
}

/**
 * A receiver as a careful consumer writes one: it keeps every message, and counts a second arrival
 * of the same delivery id as a duplicate rather than a new message.
 */
class Inbox {
  readonly messages: ReceivedMessage[] = [];
  readonly duplicates: ReceivedMessage[] = [];
  private readonly seen = new Set<string>();

  take(message: ReceivedMessage) {
    if (this.seen.has(message.deliveryId)) this.duplicates.push(message);
    else {
      this.seen.add(message.deliveryId);
      this.messages.push(message);
    }
  }
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= and =?UTF-8?B?...?=), as mail clients show them. */
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset, encoding, text) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x: string, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

/** A real SMTP server (smtp-server) on a free port: what the tracker's nodemailer talks to. */
export async function startSmtpReceiver() {
  const inbox = new Inbox();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
        const header = (name: string) => decodeWords(new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '');
        for (const to of session.envelope.rcptTo) {
          // the body as a reader sees it: quoted-printable soft breaks and escapes undone
          const body = Buffer.from(
            raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8');
          inbox.take({ deliveryId: header('X-Tracker-Delivery'), to: to.address, subject: header('Subject'), body, receivedAt: Date.now() });
        }
        callback();
      });
    },
  });
  // a sender killed mid-conversation resets its connection: that is the fault under test, not a failure of the receiver
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, inbox, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface ReceivedWebhook {
  path: string;
  /** The Standard Webhooks headers and x-tracker-delivery, as they arrived. */
  headers: Record<string, string>;
  body: string;
}

/**
 * A real HTTP receiver for webhooks, verifying as a receiver would with the Standard Webhooks library
 * (`standardwebhooks`' own Webhook.verify): each path is one receiver holding its own secrets
 * (`trust(path, secret)`; two while it switches during a rotation). Unverified messages answer 401;
 * paths under /fail answer 500 after verifying. Every request is kept as it arrived (`received`).
 */
export async function startWebhookReceiver() {
  const inbox = new Inbox();
  const rejected: string[] = [];
  const received: ReceivedWebhook[] = [];
  const secrets = new Map<string, string[]>();
  let failures = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://receiver').pathname;
      const headers = Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-tracker-delivery'].map((name) => [name, String(req.headers[name] ?? '')]),
      );
      received.push({ path, headers, body });
      if (!(secrets.get(path) ?? []).some((secret) => verifies(secret, body, headers))) {
        rejected.push(body);
        res.writeHead(401).end();
        return;
      }
      if (path.startsWith('/fail')) {
        failures += 1;
        res.writeHead(500).end('receiver down');
        return;
      }
      const parsed = JSON.parse(body);
      inbox.take({ deliveryId: headers['webhook-id'], to: `http://${req.headers.host}${req.url}`, subject: parsed.subject, body, receivedAt: Date.now() });
      res.writeHead(204).end();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    inbox,
    rejected,
    received,
    /** The receiver at `path` accepts what `secret` verifies (beside what it held), or only that with `only`. */
    trust: (path: string, secret: string, options: { only?: boolean } = {}) => secrets.set(path, [...(options.only ? [] : (secrets.get(path) ?? [])), secret]),
    failures: () => failures,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** What a receiver holding `secret` concludes, with the Standard Webhooks library and nothing of ours. */
export function verifies(secret: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}
