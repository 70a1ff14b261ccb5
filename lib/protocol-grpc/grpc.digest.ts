/**
 * Body digests of `SystemProperties.body_digest`. The forms clients compare against:
 * CRC32 as the UNSIGNED decimal value (rocketmq-client-nodejs), MD5 and SHA1 as upper-case hex.
 * The proxy delivers MD5. Node 20 has no zlib.crc32, hence the small table-driven CRC-32 below
 * (IEEE 802.3 polynomial, reflected, the zlib/Java `CRC32` value).
 */
import { hash } from 'node:crypto';
import type { DigestType } from './grpc.types.js';

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of the bytes as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export type BodyDigestType = Extract<DigestType, 'CRC32' | 'MD5' | 'SHA1'>;

/** The checksum string of a body, in the form clients expect. */
export function bodyChecksum(type: BodyDigestType, body: Uint8Array): string {
  switch (type) {
    case 'CRC32':
      return String(crc32(body));
    case 'MD5':
      return hash('md5', body, 'hex').toUpperCase();
    case 'SHA1':
      return hash('sha1', body, 'hex').toUpperCase();
  }
}

/** A `Digest` message for the body. */
export function bodyDigest(
  type: BodyDigestType,
  body: Uint8Array,
): { type: BodyDigestType; checksum: string } {
  return { type, checksum: bodyChecksum(type, body) };
}

/**
 * Does a received digest match the body? Hex is compared case-insensitively; a CRC32 is accepted as
 * the unsigned decimal or as hex. Undefined for a digest type this layer does not know.
 */
export function bodyDigestMatches(
  digest: { type?: string | number; checksum?: string },
  body: Uint8Array,
): boolean | undefined {
  const checksum = (digest.checksum ?? '').trim();
  switch (digest.type) {
    case 'CRC32':
    case 1: {
      const value = crc32(body);
      if (/^\d{1,10}$/.test(checksum)) return Number(checksum) === value;
      return /^[0-9a-fA-F]{1,8}$/.test(checksum) && parseInt(checksum, 16) === value;
    }
    case 'MD5':
    case 2:
      return checksum.toUpperCase() === bodyChecksum('MD5', body);
    case 'SHA1':
    case 3:
      return checksum.toUpperCase() === bodyChecksum('SHA1', body);
    default:
      return undefined;
  }
}
