/** Constants of the MQ HTTP protocol (PROTOCOL.md §1–§5). */

/** Value of the `x-mq-version` header every SDK sends and the server echoes. */
export const MQ_VERSION = '2015-06-06';

/** Namespace emitted on response roots: without the trailing slash, as the real server does (§4.1). */
export const MQ_XML_NAMESPACE = 'http://mq.aliyuncs.com/doc/v1';

/** Content-Type of every XML body we emit (§2.3). */
export const XML_CONTENT_TYPE = 'text/xml;charset=utf-8';

/** Response header carrying the request id; Python reads it case-sensitively, so always lower case (§2.3). */
export const REQUEST_ID_HEADER = 'x-mq-request-id';

/** Reserved property keys (§5). */
export const RESERVED_PROPERTY = {
  KEYS: 'KEYS',
  START_DELIVER_TIME: '__STARTDELIVERTIME',
  TRANS_CHECK_IMMUNITY: '__TransCheckT',
  SHARDING_KEY: '__SHARDINGKEY',
} as const;
