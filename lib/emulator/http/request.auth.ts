import {
  contentMd5Matches,
  createSigningKey,
  parseAuthorization,
  stringToSign,
  verifySignature,
} from '../../protocol/index.js';
import type { SignableRequest, SigningKey } from '../../protocol/index.js';
import type { EmulatorCredential } from '../emulator.types.js';
import { MQRequestError } from './http.errors.js';
import type { EmulatorLog } from './http.log.js';
import type { RequestHead } from './request.head.js';

export interface RequestAuthOptions {
  credentials: readonly EmulatorCredential[];
  maxDateSkewMs: number;
  log: EmulatorLog;
}

/**
 * Verifies a request the way the cloud does (PROTOCOL.md §3.1). Header names are matched
 * case-insensitively (Node lower-cases them); the signature covers the RAW request-target, because
 * SDKs encode `*` and spaces differently (§1.5). The Date skew is measured against real wall time,
 * never the virtual clock: clients sign with real time while tests move the virtual clock by days.
 */
export function createRequestAuthenticator(
  options: RequestAuthOptions,
): (req: RequestHead) => void {
  // Signing keys built once per credential, not once per request.
  const keys = new Map<string, SigningKey>();
  for (const c of options.credentials) keys.set(c.accessKeyId, createSigningKey(c.accessKeySecret));
  const { maxDateSkewMs, log } = options;
  // Clients send the same Date value for a whole second: parse each value once (Date.parse costs
  // more than the rest of these checks together).
  let lastDate = '';
  let lastSignedAt = Number.NaN;

  return (req) => {
    const authorization = req.headers.authorization;
    if (authorization === undefined || authorization === '')
      throw new MQRequestError('MissingAuthorizationHeader');
    const parsed = parseAuthorization(authorization);
    if (parsed === undefined) throw new MQRequestError('InvalidAuthorizationHeader');
    const key = keys.get(parsed.accessKeyId);
    if (key === undefined) throw new MQRequestError('InvalidAccessKeyId');

    const date = req.headers.date;
    if (date === undefined || date === '') throw new MQRequestError('MissingDateHeader');
    if (date !== lastDate) {
      lastSignedAt = Date.parse(date);
      lastDate = date;
    }
    const signedAt = lastSignedAt;
    if (Number.isNaN(signedAt)) throw new MQRequestError('InvalidDateHeader');
    if (Math.abs(Date.now() - signedAt) > maxDateSkewMs) throw new MQRequestError('TimeExpired');

    const signable: SignableRequest = {
      method: req.method ?? '',
      date,
      headers: req.headers,
      resource: req.url ?? '',
    };
    const md5 = req.headers['content-md5'];
    // Node joins repeated custom headers into one string; only set-cookie is ever an array.
    if (typeof md5 === 'string') signable.contentMd5 = md5;
    const contentType = req.headers['content-type'];
    if (contentType !== undefined) signable.contentType = contentType;
    if (!verifySignature(key, signable, parsed.signature)) {
      if (log.enabled) {
        // The string-to-sign holds no secret; it is what users compare with their client's.
        log.debug(
          `SignatureDoesNotMatch for access key ${parsed.accessKeyId}; string-to-sign was ${JSON.stringify(stringToSign(signable))}`,
        );
      }
      throw new MQRequestError('SignatureDoesNotMatch');
    }
  };
}

/** A Content-MD5 that is present must match the body (Node and Go send it, §2.2). */
export function verifyContentMd5(req: RequestHead, body: Buffer): void {
  const header = req.headers['content-md5'];
  if (typeof header === 'string' && !contentMd5Matches(header, body))
    throw new MQRequestError('InvalidDigest');
}
