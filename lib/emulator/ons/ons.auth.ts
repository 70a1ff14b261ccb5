import type { IncomingMessage } from 'node:http';
import { createSigningKey, type SigningKey } from '../../protocol/index.js';
import { ONS_HEADERS, onsMissingParameterInfo, onsVerify } from '../../protocol/ons/index.js';
import type { EmulatorCredential } from '../emulator.types.js';
import type { EmulatorLog } from '../http/http.log.js';
import { OnsRequestError } from './ons.errors.js';

/** What the signature check needs once the body (publish) is known. */
export interface OnsPendingSignature {
  accessKey: string;
  key: SigningKey;
  signature: string;
}

const TIME = /^\d{1,16}$/;

/**
 * Authentication of the old API in `auth: 'strict'` mode, with the emulator's credentials:
 * `AccessKey` names the credential, `Signature` is checked in constant time, and `time` (epoch ms,
 * part of every string to sign) must lie within `maxTimeSkewMs` of real wall time. Like the MQ
 * front's Date check it never uses the virtual clock: clients sign with real time while tests move
 * the virtual clock by days.
 */
export class OnsAuthenticator {
  private readonly keys = new Map<string, SigningKey>();

  constructor(
    credentials: readonly EmulatorCredential[],
    private readonly maxTimeSkewMs: number,
    private readonly log: EmulatorLog,
  ) {
    for (const c of credentials) this.keys.set(c.accessKeyId, createSigningKey(c.accessKeySecret));
  }

  /** Header and `time` checks, before the body is read. */
  begin(req: IncomingMessage, time: string | undefined): OnsPendingSignature {
    const signature = headerValue(req, 'signature');
    if (signature === '') {
      throw new OnsRequestError('SC_BAD_REQUEST', onsMissingParameterInfo(ONS_HEADERS.signature));
    }
    const accessKey = headerValue(req, 'accesskey');
    if (accessKey === '') {
      throw new OnsRequestError('SC_BAD_REQUEST', onsMissingParameterInfo(ONS_HEADERS.accessKey));
    }
    if (time === undefined || time === '') {
      throw new OnsRequestError('SC_BAD_REQUEST', onsMissingParameterInfo('time'));
    }
    if (!TIME.test(time)) {
      throw new OnsRequestError(
        'SC_BAD_REQUEST',
        'parameter:time is invalid,it must be epoch milliseconds',
      );
    }
    const key = this.keys.get(accessKey);
    if (key === undefined) throw new OnsRequestError('ACCESS_KEY_INVALID');
    if (Math.abs(Date.now() - Number(time)) > this.maxTimeSkewMs) {
      throw new OnsRequestError(
        'TIME_EXPIRED',
        `The time parameter is more than ${this.maxTimeSkewMs} ms away from the server time`,
      );
    }
    return { accessKey, key, signature };
  }

  verify(pending: OnsPendingSignature, stringToSign: string): void {
    if (onsVerify(pending.key, stringToSign, pending.signature)) return;
    if (this.log.enabled) {
      // The string to sign holds no secret; it is what users compare with their client's.
      this.log.debug(
        `ONS SIGNATURE_INVALID for access key ${pending.accessKey}; string-to-sign was ${JSON.stringify(stringToSign)}`,
      );
    }
    throw new OnsRequestError('SIGNATURE_INVALID');
  }
}

/** A header by its lower-case name, '' when absent. Node joins repeated custom headers with ", ". */
export function headerValue(req: IncomingMessage, lowerName: string): string {
  const value = req.headers[lowerName];
  if (value === undefined) return '';
  return (typeof value === 'string' ? value : value.join(',')).trim();
}
