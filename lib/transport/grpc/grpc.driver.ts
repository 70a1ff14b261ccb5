/**
 * RocketMQ 5 (gRPC) at the seam: ApsaraMQ for RocketMQ 5.x instances and Apache RocketMQ 5
 * proxies. The bootstrap checks need no gRPC; the transport (and @grpc/grpc-js with
 * @grpc/proto-loader, ~350 ms to load) is imported only when a connection uses it, so HTTP users
 * never pay for it.
 */
import { checkGrpcClientOptions } from '../../client-grpc/client-options.check.js';
import { GRPC_ENDPOINT_EXAMPLE, parseGrpcEndpoint } from '../../client-grpc/grpc.endpoint.js';
import {
  checkGrpcGroup,
  checkGrpcTopic,
  checkNamespace,
  tagExpression,
} from '../../client-grpc/grpc.validation.js';
import type { MQTransportDriver, MQSubscriptionCheck } from '../transport.driver.js';

/** The proxy's receive batch limit (its `grpcClientConsumerLongPollingBatchSize` default). */
export const GRPC_MAX_BATCH_SIZE = 32;

export const grpcDriver: MQTransportDriver = {
  kind: 'grpc',
  endpointExample: GRPC_ENDPOINT_EXAMPLE,
  maxBatchSize: GRPC_MAX_BATCH_SIZE,

  checkEndpoint(endpoint: unknown): void {
    parseGrpcEndpoint(endpoint);
  },

  checkClientOptions(options) {
    checkGrpcClientOptions(options);
  },

  checkInstanceId(instanceId: unknown): void {
    checkNamespace(instanceId, 'instanceId');
  },

  checkSubscription({ topic, group, tags, mode }: MQSubscriptionCheck): void {
    checkGrpcTopic(topic);
    checkGrpcGroup(group);
    if (mode !== 'checks') tagExpression(tags, 'tag');
  },

  async create(config) {
    const { GrpcMQTransport } = await import('./grpc-mq.transport.js');
    return new GrpcMQTransport(config);
  },
};
