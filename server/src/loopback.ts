/**
 * What counts as "this machine only" (SECURITY.md H1, H3): addresses are parsed as addresses with
 * node:net (127.0.0.0/8, ::1 and its IPv4-mapped forms), and the only name that counts is `localhost`. A name
 * such as `127.0.0.1.example` is a DNS name anyone can point anywhere, so it never counts.
 */
import net from 'node:net';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopbackAddress(addr: string): boolean {
  const family = net.isIP(addr);
  if (family === 0) return false;
  return LOOPBACK.check(addr, family === 6 ? 'ipv6' : 'ipv4');
}

/** A bind address or host name that reaches this machine only. */
export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host);
}

export interface HostPort {
  /** Lower-case name, or the address without brackets. */
  host: string;
  /** As written: IPv6 addresses in brackets. */
  display: string;
  port: number | null;
}

const NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Parse `host`, `host:port`, `[v6]` or `[v6]:port` (a Host header or an ALLOWED_HOSTS entry) strictly: a DNS
 * name, an IPv4 address or a bracketed IPv6 address, and a decimal port 1-65535. Anything else is null.
 */
export function parseHostPort(value: string): HostPort | null {
  const v = value.trim().toLowerCase();
  let host: string;
  let rest: string;
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    if (end < 0) return null;
    host = v.slice(1, end);
    rest = v.slice(end + 1);
    if (net.isIPv6(host) === false) return null;
  } else {
    const colon = v.indexOf(':');
    host = colon < 0 ? v : v.slice(0, colon);
    rest = colon < 0 ? '' : v.slice(colon);
    if (!net.isIPv4(host) && !NAME.test(host)) return null;
  }
  let port: number | null = null;
  if (rest !== '') {
    const m = /^:([1-9][0-9]{0,4})$/.exec(rest);
    if (!m || Number(m[1]) > 65_535) return null;
    port = Number(m[1]);
  }
  const display = host.includes(':') ? `[${host}]` : host;
  return { host, display, port };
}
