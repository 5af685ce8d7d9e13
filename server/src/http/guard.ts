/**
 * The two checks in front of everything (SECURITY.md H1, H2):
 *
 * - Host allow-list, on every path: a page on `rebind.evil.example` whose name the attacker re-points at
 *   127.0.0.1 reaches this server with `Host: rebind.evil.example`, so only loopback names and addresses on the
 *   listening port and the owner's ALLOWED_HOSTS are served; anything else is 403 HOST_NOT_ALLOWED.
 * - Cross-site writes, on every POST/PUT/PATCH/DELETE under /api, with or without a token: a browser marks its
 *   requests with Sec-Fetch-Site (and Origin); `cross-site` or `same-site`, or an Origin that is not ours, is
 *   403 CSRF. Clients that send neither (curl, SDKs) are not browsers and pass. Bearer requests are checked too:
 *   they are not ambient credentials (a page cannot attach the header cross-site without a CORS preflight, which
 *   this server never grants), so the check costs them nothing, and one rule for all writes leaves no bypass.
 */
import type { Request, RequestHandler } from 'express';
import { csrfRejected, hostNotAllowed } from '../errors.js';
import { isLoopbackHost, parseHostPort, type HostPort } from '../loopback.js';

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class HostPolicy {
  private readonly anyPort = new Set<string>();
  private readonly exact = new Set<string>();

  constructor(allowedHosts: readonly string[]) {
    for (const entry of allowedHosts) {
      const hp = parseHostPort(entry);
      if (!hp) continue;
      if (hp.port === null) this.anyPort.add(hp.display);
      else this.exact.add(`${hp.display}:${hp.port}`);
    }
  }

  /** Listed by the owner (any port for an entry without one). */
  listed(hp: HostPort, defaultPort: number): boolean {
    return this.anyPort.has(hp.display) || this.exact.has(`${hp.display}:${hp.port ?? defaultPort}`);
  }

  /** A Host header this server answers to, for a connection that arrived on `localPort`. */
  allows(hostHeader: string | undefined, localPort: number | undefined): boolean {
    const hp = hostHeader === undefined ? null : parseHostPort(hostHeader);
    if (!hp) return false;
    if (isLoopbackHost(hp.host) && (hp.port ?? 80) === localPort) return true;
    return this.listed(hp, 80);
  }
}

export function hostGuard(policy: HostPolicy): RequestHandler {
  return (req, _res, next) => {
    if (policy.allows(req.headers.host, req.socket.localPort)) return next();
    next(hostNotAllowed());
  };
}

/**
 * Where a request comes from, by the browser's own marks: `same` (our page, or typed by the user), `cross`
 * (another site), or `unknown` (no Sec-Fetch-Site and no Origin: not a browser, or a very old one).
 */
export function requestSource(req: Request, policy: HostPolicy): 'same' | 'cross' | 'unknown' {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none' ? 'same' : 'cross';
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return 'unknown';
  if (origin === `${req.protocol}://${req.headers.host ?? ''}`) return 'same';
  // Behind a proxy that rewrites Host, our public origin is one the owner listed.
  const m = /^(https?):\/\/([^/?#]+)$/i.exec(origin);
  const hp = m ? parseHostPort(m[2]!) : null;
  return hp && policy.listed(hp, m![1]!.toLowerCase() === 'https' ? 443 : 80) ? 'same' : 'cross';
}

/** Mounted on /api before authentication. */
export function crossSiteGuard(policy: HostPolicy): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || requestSource(req, policy) !== 'cross') return next();
    next(csrfRejected());
  };
}
