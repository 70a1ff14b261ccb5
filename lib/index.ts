/**
 * nestjs-aliyun-mq: the Nest integration, plus the client's public types and errors.
 * The client itself is also available alone as `nestjs-aliyun-mq/client`, the emulator as
 * `nestjs-aliyun-mq/emulator` and the test helpers as `nestjs-aliyun-mq/testing`.
 */
export * from './nest/index.js';
// The client's whole public surface (its barrel is the one list of what is public).
export * from './client/index.js';
// The transport seam's public types (`MQProducer.transport`).
export type {
  MQTransport,
  MQTransportKind,
  MQTransportCallOptions,
  MQReceiveRequest,
  MQCheckRequest,
} from './transport/index.js';
