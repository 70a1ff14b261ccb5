/**
 * Who may use the admin API and the console, and how actions are kept from other sites.
 *
 * - With a token (required when the emulator listens beyond loopback): every admin request carries
 *   `Authorization: Bearer <token>`; compared in constant time.
 * - Without one (loopback only): the `Host` header must name a loopback host, so a web page that
 *   rebinds its own DNS name to 127.0.0.1 cannot read or drive the emulator.
 * - Actions (every method but GET/HEAD) are refused from other sites: an `Origin` must be this
 *   emulator's own, `Sec-Fetch-Site` (when sent) must be same-origin or none, and a body must be
 *   `application/json`, which no HTML form can send and no cross-site script can send without a
 *   CORS preflight that this server never grants.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { AdminHttpError } from './admin.json.js';

/** A random token for an emulator that listens beyond loopback without a configured one. */
export function generateAdminToken(): string {
  return randomBytes(18).toString('base64url');
}

/** True for addresses and names that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = h.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  if (isIP(lower) === 4) return lower.startsWith('127.');
  if (isIP(lower) === 6) return lower === '::1' || lower.startsWith('::ffff:127.');
  return false;
}

export class AdminAccess {
  private readonly digest: Buffer | undefined;

  constructor(readonly token: string | undefined) {
    this.digest = token === undefined ? undefined : sha256(token);
  }

  get tokenRequired(): boolean {
    return this.token !== undefined;
  }

  /** True when the request carries the right token (always true without a token). */
  tokenValid(req: IncomingMessage): boolean {
    if (this.digest === undefined) return true;
    const header = req.headers.authorization;
    if (header === undefined || !/^Bearer /i.test(header)) return false;
    return timingSafeEqual(sha256(header.slice(7).trim()), this.digest);
  }

  /** Throws the JSON error (401/403/415) for a request that may not use the admin API. */
  check(req: IncomingMessage): void {
    const host = req.headers.host ?? '';
    if (this.digest === undefined) {
      if (!isLoopbackHost(hostName(host))) {
        throw new AdminHttpError(
          403,
          'Forbidden',
          `Host "${host}" is not a loopback name; without an admin token the admin API answers only requests addressed to localhost or 127.0.0.1`,
        );
      }
    } else if (!this.tokenValid(req)) {
      throw new AdminHttpError(
        401,
        'Unauthorized',
        'this emulator requires its admin token: send "Authorization: Bearer <token>" (the banner prints it)',
      );
    }
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'HEAD') checkSameSite(req, host);
  }
}

function checkSameSite(req: IncomingMessage, host: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, host)) {
    throw new AdminHttpError(403, 'CrossSiteRequest', `actions from ${origin} are not accepted`);
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new AdminHttpError(
      403,
      'CrossSiteRequest',
      `actions from a ${site} page are not accepted`,
    );
  }
  const type = req.headers['content-type'];
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  if (type !== undefined ? !isJson(type) : hasBody) {
    throw new AdminHttpError(
      415,
      'UnsupportedMediaType',
      'admin actions take a JSON body with "content-type: application/json"',
    );
  }
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && url.host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

function isJson(contentType: string): boolean {
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return media === 'application/json';
}

function hostName(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
