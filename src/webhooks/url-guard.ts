import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { WebhookUrlForbiddenError } from '../errors.js';

/** Addresses a webhook may never reach unless its host is listed in WEBHOOK_ALLOWED_HOSTS. */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, with the cloud metadata address 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local (fd00:ec2::254 is a cloud metadata address)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 of IPv4 addresses
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** Whether an address is one a webhook must not reach; an IPv4-mapped IPv6 address is judged as its IPv4. */
function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return FORBIDDEN.check(mapped[1] as string, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/**
 * Which URLs a webhook may target: `https:`, or `http:` to a host in WEBHOOK_ALLOWED_HOSTS; never one carrying
 * credentials; and never a host that resolves to a loopback, private, link-local or metadata address unless it
 * is listed. The same rule is applied again when each connection is made (`lookup`), so a name that resolves
 * to a public address when the webhook is saved and to an internal one later (DNS rebinding) is refused then.
 */
export class WebhookUrlGuard {
  private readonly allowed: Set<string>;

  constructor(
    allowedHosts: string[],
    private readonly resolve: (host: string) => Promise<string[]> = resolveAll,
  ) {
    this.allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  }

  /** Throws WEBHOOK_URL_FORBIDDEN, saying why, unless the URL may be a webhook's target. */
  async check(raw: string): Promise<void> {
    const url = parseUrl(raw);
    const host = hostOf(url);
    const listed = this.allowed.has(host);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && listed)) {
      throw new WebhookUrlForbiddenError('it must be https:, or http: to a host in WEBHOOK_ALLOWED_HOSTS');
    }
    if (url.username || url.password) throw new WebhookUrlForbiddenError('it must not carry credentials');
    if (listed) return;
    const addresses = isIP(host) ? [host] : await this.resolve(host).catch(() => []);
    if (addresses.length === 0) throw new WebhookUrlForbiddenError(`${host} does not resolve`);
    if (addresses.some(isForbiddenAddress)) {
      throw new WebhookUrlForbiddenError(`${host} is a loopback, private, link-local or metadata address`);
    }
  }

  /** A `lookup` for outgoing connections that refuses forbidden addresses of hosts not listed. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const listed = this.allowed.has(hostname.toLowerCase());
      const safe = listed ? addresses : addresses.filter((entry) => !isForbiddenAddress(entry.address));
      if (safe.length === 0) {
        return callback(new WebhookUrlForbiddenError(`${hostname} resolves to a forbidden address`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, safe);
      const [first] = safe as [LookupAddress];
      callback(null, first.address, first.family);
    });
  };

  /** Whether a connection to this literal address may be made (Node does not call `lookup` for literals). */
  allowsLiteral(url: URL): boolean {
    const host = hostOf(url);
    return isIP(host) === 0 || this.allowed.has(host) || !isForbiddenAddress(host);
  }
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new WebhookUrlForbiddenError('it is not an absolute URL');
  }
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses.map((entry) => entry.address)),
    ),
  );
}
