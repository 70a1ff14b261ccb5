/**
 * The shared RocketMQ 5 wire layer, checked against the vendored .proto files and against the
 * official client's own helpers (rocketmq-client-nodejs signs, dates and digests requests this way).
 */
import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { loadSync } from '@grpc/proto-loader';
import {
  crc32CheckSum,
  getRequestDateTime,
  md5CheckSum,
  sha1CheckSum,
  sign,
} from 'rocketmq-client-nodejs/dist/util/index.js';
import {
  bodyChecksum,
  bodyDigest,
  bodyDigestMatches,
  buildAuthorization,
  codeName,
  crc32,
  durationToMs,
  formatRequestDateTime,
  isSuccessCode,
  loadMessagingService,
  MESSAGING_SERVICE_PATH,
  msToDuration,
  msToTimestamp,
  parseAuthorization,
  parseRequestDateTime,
  PROTO_DIRECTORY,
  PROTO_LOADER_OPTIONS,
  ROCKETMQ_CODES,
  signDateTime,
  timestampToMs,
  verifyDateTimeSignature,
} from '../../../lib/protocol-grpc/index.js';

describe('protocol-grpc: loader and status codes', () => {
  it('loads every MessagingService RPC with its wire path', () => {
    const service = loadMessagingService();
    expect(Object.keys(service).sort()).toEqual(
      [
        'AckMessage',
        'ChangeInvisibleDuration',
        'EndTransaction',
        'ForwardMessageToDeadLetterQueue',
        'GetOffset',
        'Heartbeat',
        'NotifyClientTermination',
        'PullMessage',
        'QueryAssignment',
        'QueryOffset',
        'QueryRoute',
        'RecallMessage',
        'ReceiveMessage',
        'SendMessage',
        'SyncLiteSubscription',
        'Telemetry',
        'UpdateOffset',
      ].sort(),
    );
    expect(service.SendMessage!.path).toBe(`${MESSAGING_SERVICE_PATH}SendMessage`);
    expect(service.ReceiveMessage!.responseStream).toBe(true);
    expect(service.Telemetry!.requestStream && service.Telemetry!.responseStream).toBe(true);
    expect(loadMessagingService()).toBe(service);
  });

  it('decodes with the chosen options: camelCase, enum names, numbers, Buffers, optional presence', () => {
    const send = loadMessagingService().SendMessage!;
    const bytes = send.requestSerialize({
      messages: [
        {
          topic: { name: 't' },
          body: Buffer.from('hi'),
          systemProperties: {
            messageId: 'X',
            messageType: 2,
            bornTimestamp: { seconds: 1_700_000_000 },
          },
        },
      ],
    });
    const decoded = send.requestDeserialize(bytes) as {
      messages: { body: Buffer; systemProperties: Record<string, unknown> }[];
    };
    const [m] = decoded.messages;
    expect(Buffer.isBuffer(m!.body)).toBe(true);
    expect(m!.systemProperties).toMatchObject({
      messageId: 'X',
      messageType: 'FIFO',
      bornTimestamp: { seconds: 1_700_000_000, nanos: 0 },
      bodyDigest: null,
      keys: [],
    });
    // proto3 `optional` fields stay absent when not sent.
    expect(m!.systemProperties.tag).toBeUndefined();
  });

  it('has every Code of definition.proto, with the same value', () => {
    const defs = loadSync('apache/rocketmq/v2/definition.proto', { ...PROTO_LOADER_OPTIONS });
    const codeEnum = defs['apache.rocketmq.v2.Code'] as unknown as {
      type: { value: { name: string; number: number }[] };
    };
    const fromProto = Object.fromEntries(codeEnum.type.value.map((v) => [v.name, v.number]));
    const ours = Object.fromEntries(
      Object.entries(ROCKETMQ_CODES).map(([name, info]) => [name, info.value]),
    );
    expect(ours).toEqual(fromProto);
    expect(codeName(40013)).toBe('INVALID_RECEIPT_HANDLE');
    expect(codeName('OK')).toBe('OK');
    expect(codeName(12345)).toBeUndefined();
    expect(['OK', 'MULTIPLE_RESULTS', 'MESSAGE_NOT_FOUND', 40401].map(isSuccessCode)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(isSuccessCode('BAD_REQUEST')).toBe(false);
    expect(PROTO_DIRECTORY).toMatch(/protocol-grpc[/\\]proto[/\\]$/);
  });
});

describe('protocol-grpc: MQv2-HMAC-SHA1 authorization', () => {
  it('signs and formats the date as the official client does', () => {
    const now = formatRequestDateTime();
    const official = getRequestDateTime();
    expect(now).toMatch(/^\d{8}T\d{6}Z$/);
    expect(
      Math.abs(parseRequestDateTime(now)! - parseRequestDateTime(official)!),
    ).toBeLessThanOrEqual(1000);
    expect(formatRequestDateTime(new Date(Date.UTC(2023, 8, 13, 6, 30, 59, 399)))).toBe(
      '20230913T063059Z',
    );
    expect(signDateTime('secret', '20230913T063059Z')).toBe(sign('secret', '20230913T063059Z'));
    expect(buildAuthorization('AK', 'secret', '20230913T063059Z')).toBe(
      `MQv2-HMAC-SHA1 Credential=AK, SignedHeaders=x-mq-date-time, Signature=${sign('secret', '20230913T063059Z')}`,
    );
  });

  it('parses authorization values and rejects malformed ones', () => {
    expect(parseAuthorization(buildAuthorization('AK', 's', '20230913T063059Z'))).toEqual({
      algorithm: 'MQv2-HMAC-SHA1',
      accessKey: 'AK',
      signedHeaders: ['x-mq-date-time'],
      signature: signDateTime('s', '20230913T063059Z'),
    });
    expect(
      parseAuthorization('MQv2-HMAC-SHA1 Credential=AK/2023/region, Signature=AB')?.accessKey,
    ).toBe('AK');
    for (const bad of [
      '',
      'MQv2-HMAC-SHA1',
      'MQv2-HMAC-SHA1 Credential=AK',
      'X Signature=AB',
      'X Credential=, Signature=AB',
      'X junk',
    ]) {
      expect(parseAuthorization(bad)).toBeUndefined();
    }
  });

  it('verifies signatures in any hex case and refuses wrong ones', () => {
    const date = '20240101T000000Z';
    const good = signDateTime('secret', date);
    expect(verifyDateTimeSignature('secret', date, good)).toBe(true);
    expect(verifyDateTimeSignature('secret', date, good.toLowerCase())).toBe(true);
    expect(verifyDateTimeSignature('other', date, good)).toBe(false);
    expect(verifyDateTimeSignature('secret', '20240101T000001Z', good)).toBe(false);
    expect(verifyDateTimeSignature('secret', date, good.slice(1))).toBe(false);
    expect(verifyDateTimeSignature('secret', date, 'Z'.repeat(40))).toBe(false);
  });

  it('parses x-mq-date-time values strictly', () => {
    expect(parseRequestDateTime('20240229T235959Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    for (const bad of [
      '20230229T000000Z',
      '20240101T240000Z',
      '2024-01-01T00:00:00Z',
      '20240101T000000',
    ]) {
      expect(parseRequestDateTime(bad)).toBeUndefined();
    }
  });
});

describe('protocol-grpc: body digests', () => {
  it('computes CRC32 (unsigned decimal), MD5 and SHA1 (upper hex) as the official client checks them', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
    for (let i = 0; i < 50; i++) {
      const body = randomBytes(i * 37);
      expect(bodyChecksum('CRC32', body)).toBe(crc32CheckSum(body));
      expect(bodyChecksum('MD5', body)).toBe(md5CheckSum(body));
      expect(bodyChecksum('SHA1', body)).toBe(sha1CheckSum(body));
    }
    expect(bodyDigest('MD5', Buffer.from('hello'))).toEqual({
      type: 'MD5',
      checksum: createHash('md5').update('hello').digest('hex').toUpperCase(),
    });
  });

  it('matches received digests leniently (hex case, CRC32 as decimal or hex) and knows when it cannot', () => {
    const body = Buffer.from('hello');
    const crc = crc32(body);
    expect(bodyDigestMatches({ type: 'CRC32', checksum: String(crc) }, body)).toBe(true);
    expect(
      bodyDigestMatches({ type: 'CRC32', checksum: crc.toString(16).toUpperCase() }, body),
    ).toBe(true);
    expect(bodyDigestMatches({ type: 'CRC32', checksum: String(crc + 1) }, body)).toBe(false);
    expect(
      bodyDigestMatches({ type: 'MD5', checksum: bodyChecksum('MD5', body).toLowerCase() }, body),
    ).toBe(true);
    expect(bodyDigestMatches({ type: 3, checksum: bodyChecksum('SHA1', body) }, body)).toBe(true);
    expect(bodyDigestMatches({ type: 'SHA1', checksum: 'nope' }, body)).toBe(false);
    expect(
      bodyDigestMatches({ type: 'DIGEST_TYPE_UNSPECIFIED', checksum: 'x' }, body),
    ).toBeUndefined();
  });
});

describe('protocol-grpc: Duration and Timestamp', () => {
  it('converts both ways and refuses invalid values', () => {
    expect(durationToMs({ seconds: 15, nanos: 500_000_000 })).toBe(15_500);
    expect(durationToMs(msToDuration(61_001))).toBe(61_001);
    expect(msToDuration(1)).toEqual({ seconds: 0, nanos: 1_000_000 });
    expect(durationToMs(null)).toBeUndefined();
    expect(durationToMs({ seconds: 1, nanos: -1 })).toBeUndefined();
    expect(durationToMs({ seconds: 0, nanos: 2_000_000_000 })).toBeUndefined();
    const t = Date.UTC(2026, 0, 1, 0, 0, 0, 123);
    expect(msToTimestamp(t)).toEqual({ seconds: Math.floor(t / 1000), nanos: 123_000_000 });
    expect(timestampToMs(msToTimestamp(t))).toBe(t);
    expect(timestampToMs({ seconds: 1, nanos: -5 })).toBeUndefined();
  });
});
