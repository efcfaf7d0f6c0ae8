import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import * as ipaddr from 'ipaddr.js';

/**
 * Where a webhook may go. A reminder's recipient chooses its webhook URL, so without a rule the worker
 * would POST wherever it says, inside the network it runs in (cloud metadata, internal services,
 * loopback) and read the answer back as `lastError`: a port scanner for anyone with a reporter link.
 * The rule: https only, to public unicast addresses only, checked when the URL is saved (a literal
 * address) and again when the worker connects (every address the name resolves to, so a public name
 * that resolves to 127.0.0.1 is refused too). Hosts an operator lists (WEBHOOK_LOCAL_HOSTS) may be
 * reached over plain http and on private addresses: local receivers.
 * The address ranges are ipaddr.js's (a maintained library), not a hand-written list.
 */
export class WebhookAddressPolicy {
  private readonly localHosts: Set<string>;

  constructor(localHosts: string | undefined) {
    this.localHosts = new Set(
      (localHosts ?? '')
        .split(',')
        .map((h) =>
          h
            .trim()
            .toLowerCase()
            .replace(/^\[|\]$/g, ''),
        )
        .filter(Boolean),
    );
  }

  private isLocal(hostname: string): boolean {
    return this.localHosts.has(hostname.toLowerCase().replace(/^\[|\]$/g, ''));
  }

  /** Why an address may not be reached (its range: loopback, private, linkLocal, carrierGradeNat, uniqueLocal, multicast…), or null. */
  static refusedRange(address: string): string | null {
    if (!ipaddr.isValid(address)) return 'invalid';
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    const range = parsed.range();
    return range === 'unicast' ? null : range;
  }

  /** The problem with a URL as a webhook, when it is saved; null when it may be saved. */
  problemWith(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'must be an absolute https:// URL';
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const local = this.isLocal(host);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local)) return 'must be an https:// URL';
    if (parsed.username || parsed.password) return 'must not carry a user name or password';
    if (!local && ipaddr.isValid(host)) {
      const range = WebhookAddressPolicy.refusedRange(host);
      if (range) return `must not point at a ${range} address`;
    }
    return null;
  }

  /**
   * A `lookup` for the HTTP request that refuses names resolving to an address outside the public
   * unicast ranges: the connection is never opened.
   */
  lookupFor(hostname: string) {
    const local = this.isLocal(hostname);
    return (host: string, options: object, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
      dnsLookup(host, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, []);
        const refused = local ? null : addresses.map((a) => WebhookAddressPolicy.refusedRange(a.address)).find((r) => r !== null);
        if (refused) return callback(Object.assign(new Error(`resolves to a ${refused} address`), { code: 'EADDRREFUSED' }), []);
        if ((options as { all?: boolean }).all) return callback(null, addresses);
        return callback(null, addresses[0].address, addresses[0].family);
      });
    };
  }
}

/**
 * A webhook URL as it may be written down (history, logs): its scheme and host only. Paths and queries
 * often carry the receiver's secret (Slack, Teams, most incident tools), and whoever reads a history or
 * a log is not whoever may post to the hook.
 */
export function redactedWebhook(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '(not a URL)';
  }
}
