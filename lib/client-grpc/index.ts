/** The RocketMQ 5 (gRPC) client: loaded lazily by the `grpc` transport (it loads @grpc/grpc-js). */
export { RocketMQ5Client, type TransactionCheck } from './rocketmq5.client.js';
export type { RocketMQ5ClientOptions } from './client.options.js';
export type { GrpcClientLogger } from './client.logger.js';
export type { SendResult, ReceiveRequest, AckEntry, CallOptions } from './rocketmq5.client.js';
export { isConfigurationCode } from './grpc.errors.js';
export { decodeMessage } from './message.codec.js';
