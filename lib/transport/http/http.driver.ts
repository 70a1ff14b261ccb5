/**
 * What the Nest layer needs of the MQ HTTP protocol besides the transport itself: the checks it
 * runs at bootstrap (so that a bad endpoint, name or tag fails the application start rather than a
 * poll loop) and the factory.
 */
import { MQInvalidArgumentError } from '../../client/client.errors.js';
import {
  checkInstanceId,
  MQ_ENDPOINT_EXAMPLE,
  resolveClientOptions,
  resolveEndpoint,
} from '../../client/client.options.js';
import {
  checkGroup,
  checkIdChars,
  checkTopic,
  consumeTagExpression,
} from '../../client/client.validation.js';
import { MQClient } from '../../client/mq.client.js';
import { MQ_LIMITS } from '../../protocol/limits.js';
import { checkRequestLine, consumeTarget } from '../../client/request.target.js';
import type { MQTransportDriver, MQSubscriptionCheck } from '../transport.driver.js';
import { HttpMQTransport } from './http-mq.transport.js';

export const httpDriver: MQTransportDriver = {
  kind: 'http',
  endpointExample: MQ_ENDPOINT_EXAMPLE,
  maxBatchSize: MQ_LIMITS.maxNumOfMessages,

  checkEndpoint(endpoint: unknown): void {
    resolveEndpoint(endpoint);
  },

  checkClientOptions(options) {
    try {
      resolveClientOptions(options);
    } catch (error) {
      if (!(error instanceof MQInvalidArgumentError)) throw error;
      // The client names them `options.<key>`; in the module they are `client.<key>`.
      const problem = error.message.slice(error.argument.length + 2);
      throw new MQInvalidArgumentError(error.argument.replace(/^options\./, 'client.'), problem);
    }
  },

  checkInstanceId(instanceId: unknown): void {
    checkInstanceId(instanceId, 'instanceId');
  },

  /** The checks the client would make on the first poll, including the request line's length. */
  checkSubscription({ topic, group, tags, instanceId, mode }: MQSubscriptionCheck): void {
    checkTopic(topic);
    checkGroup(group);
    const expression = mode === 'checks' ? undefined : consumeTagExpression(tags as string[]);
    const ns = instanceId ?? '';
    if (ns.length > 0) checkIdChars(ns, 'instanceId');
    const path = '/topics/' + encodeURIComponent(topic) + '/messages';
    const tag = expression === undefined ? undefined : encodeURIComponent(expression);
    const kind = mode === 'checks' ? 'pop' : mode === 'orderly' ? 'order' : 'normal';
    checkRequestLine('GET', consumeTarget(path, group, ns, tag, 16, 30, kind));
  },

  create(config) {
    const options = { ...config.options };
    if (config.instanceId !== undefined) options.instanceId = config.instanceId;
    return new HttpMQTransport(new MQClient(config.endpoint, config.credentials, options));
  },
};
