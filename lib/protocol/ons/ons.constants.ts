/** Constants of the 2017 ONS HTTP API (the service's older HTTP samples, before mq-http-sdk). */

/** The one resource: `{url}/message/?topic=…` (the samples always write the trailing slash). */
export const ONS_PATH = '/message/';

/** Header names as the samples spell them (HTTP header names are case-insensitive). */
export const ONS_HEADERS = {
  signature: 'Signature',
  accessKey: 'AccessKey',
  producerId: 'ProducerID',
  consumerId: 'ConsumerID',
  /** Publish to an ordered topic: the partition key (HTTP access manual). */
  shardingKey: 'shardingKey',
  /** Publish: `true` for an ordered message (then `shardingKey` is required). */
  isOrder: 'isOrder',
} as const;

/** Content type of every JSON body the emulator's ONS front sends. */
export const ONS_JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** `sendStatus` of a stored message. */
export const ONS_SEND_OK = 'SEND_OK';

/** Limits of the old API. Sizes are bytes, lengths UTF-16 characters. */
export const ONS_LIMITS = {
  /** Message body: 64 KB, counted in bytes (a CJK text reaches it at about a third of the characters). */
  maxBodyBytes: 64 * 1024,
  maxTagLength: 128,
  maxKeyLength: 128,
  /** `num` of a consume (the samples ask for 32). */
  minNum: 1,
  maxNum: 32,
  /** `timeout` query parameter of a publish (ms). */
  minPublishTimeoutMs: 1000,
  maxPublishTimeoutMs: 3000,
  /** Allowed distance between the signed `time` and the server's clock (the manual's mirror: 15 s). */
  maxTimeSkewMs: 15_000,
} as const;
