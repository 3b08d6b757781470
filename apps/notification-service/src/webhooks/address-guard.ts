import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Why an address may not receive webhooks (null: a public address). */
export type AddressClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cloud_metadata'
  | 'carrier_grade_nat'
  | 'multicast'
  | 'reserved'
  | 'invalid';

type V4Range = [number, number, AddressClass];

const v4 = (a: string): number => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const cidr4 = (net: string, bits: number, kind: AddressClass): V4Range => {
  const size = 2 ** (32 - bits);
  const start = Math.floor(v4(net) / size) * size;
  return [start, start + size - 1, kind];
};

/** Checked in order: the metadata address before the link-local range that holds it. */
const V4_RANGES: V4Range[] = [
  cidr4('169.254.169.254', 32, 'cloud_metadata'),
  cidr4('0.0.0.0', 8, 'unspecified'),
  cidr4('10.0.0.0', 8, 'private'),
  cidr4('100.64.0.0', 10, 'carrier_grade_nat'),
  cidr4('127.0.0.0', 8, 'loopback'),
  cidr4('169.254.0.0', 16, 'link_local'),
  cidr4('172.16.0.0', 12, 'private'),
  cidr4('192.0.0.0', 24, 'reserved'),
  cidr4('192.168.0.0', 16, 'private'),
  cidr4('198.18.0.0', 15, 'reserved'),
  cidr4('224.0.0.0', 4, 'multicast'),
  cidr4('240.0.0.0', 4, 'reserved'),
];

function classifyV4(address: string): AddressClass | null {
  const n = v4(address);
  for (const [start, end, kind] of V4_RANGES) if (n >= start && n <= end) return kind;
  return null;
}

/** The 8 groups of an IPv6 address (any notation: `::`, a dotted IPv4 tail, a zone id), or null. */
export function ipv6Groups(address: string): number[] | null {
  let text = address.split('%')[0].toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    if (isIP(dotted[1]) !== 4) return null;
    const n = v4(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : Number.NaN)));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : fill < 1) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return groups.some((g) => Number.isNaN(g)) ? null : groups;
}

const v4Of = (hi: number, lo: number) => `${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;

function classifyV6(address: string): AddressClass | null {
  const g = ipv6Groups(address);
  if (!g) return 'invalid';
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  // IPv4 inside IPv6: mapped (::ffff:a.b.c.d), the deprecated compatible form (::a.b.c.d), NAT64
  // (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::): judged as the IPv4 address they reach.
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyV4(v4Of(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyV4(v4Of(g[6], g[7]));
  if (g[0] === 0x2002) return classifyV4(v4Of(g[1], g[2]));
  if (zeroUpTo(7)) return g[7] === 0 ? 'unspecified' : g[7] === 1 ? 'loopback' : classifyV4(v4Of(g[6], g[7]));
  if (zeroUpTo(6)) return classifyV4(v4Of(g[6], g[7]));
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return 'cloud_metadata';
  if ((g[0] & 0xfe00) === 0xfc00) return 'private';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link_local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'reserved';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved';
  return null;
}

/** Where `address` (an IP literal) points, or null for a public address. Not an IP: `invalid`. */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare.split('%')[0]);
  if (family === 4) return classifyV4(bare);
  if (family === 6) return classifyV6(bare);
  return 'invalid';
}

/**
 * Whether webhooks may be sent to `address`. Production refuses every non-public address (SPEC
 * section 7); development and tests allow loopback only, so a receiver on this machine can be used.
 */
export function isAllowedAddress(address: string, production: boolean): boolean {
  const kind = classifyAddress(address);
  if (kind === null) return true;
  return !production && kind === 'loopback';
}

export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

export type Lookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The URL's host may not be sent to (the message is what the delivery log shows). */
export class RefusedTargetError extends Error {}

/**
 * Resolves `hostname` at send time (every address it has) and answers the address to connect to.
 * A host with any refused address is refused as a whole, so a name cannot mix a public address
 * with an internal one and hope for the latter. The caller connects to exactly the address
 * answered here: nothing resolves the name again between the check and the connection.
 */
export async function vetHost(hostname: string, production: boolean, lookup: Lookup = systemLookup): Promise<VettedAddress> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }];
  else {
    try {
      addresses = await lookup(bare);
    } catch (error) {
      throw new RefusedTargetError(`could not resolve ${bare}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  if (addresses.length === 0) throw new RefusedTargetError(`could not resolve ${bare}`);
  for (const a of addresses) {
    if (!isAllowedAddress(a.address, production)) {
      throw new RefusedTargetError(`refused: ${bare} resolves to a ${classifyAddress(a.address) ?? 'forbidden'} address`);
    }
  }
  const first = addresses[0];
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
