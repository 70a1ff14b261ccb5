/**
 * Per-call options of MQClient checked and resolved against the client's defaults: the call's
 * deadline and instance id, and a consume's batch size, wait and tag filter. Plain functions of
 * their inputs: nothing allocated, called once per call.
 */
import { MQ_LIMITS } from '../protocol/index.js';
import { MQInvalidArgumentError } from './client.errors.js';
import { checkInstanceId } from './client.options.js';
import type { MQCallOptions, MQConsumeOptions } from './client.types.js';
import { checkIntRange, checkTimeout, consumeTagExpression } from './client.validation.js';
import type { ConsumeKind } from './request.target.js';

/** The call's deadline: the default of its kind, or the call's own `timeoutMs` if shorter. */
export function callTimeout(options: MQCallOptions | undefined, dflt: number): number {
  const own = options?.timeoutMs;
  if (own === undefined) return dflt;
  const checked = checkTimeout(own, 'options.timeoutMs');
  return checked < dflt ? checked : dflt;
}

/** The call's instance id (`ns`): its own, checked, or the client's. */
export function callInstanceId(options: MQCallOptions | undefined, dflt: string): string {
  const perCall = options?.instanceId;
  return perCall === undefined ? dflt : checkInstanceId(perCall, 'options.instanceId');
}

/** `numOfMessages`: 1–16, the most by default. */
export function consumeBatchSize(options: MQConsumeOptions | undefined): number {
  return options?.numOfMessages === undefined
    ? MQ_LIMITS.maxNumOfMessages
    : checkIntRange(
        options.numOfMessages,
        'numOfMessages',
        MQ_LIMITS.minNumOfMessages,
        MQ_LIMITS.maxNumOfMessages,
      );
}

/** `waitSeconds`: 0 (a short poll) by default, at most the service's long-poll limit. */
export function consumeWaitSeconds(options: MQConsumeOptions | undefined): number {
  return options?.waitSeconds === undefined
    ? 0
    : checkIntRange(options.waitSeconds, 'waitSeconds', 0, MQ_LIMITS.maxWaitSeconds);
}

/**
 * The tag filter as it goes into the query (percent-encoded), or undefined for every tag.
 * consumeHalf has none: the service does not filter half messages by tag, so asking is an error.
 */
export function consumeEncodedTag(
  kind: ConsumeKind,
  options: MQConsumeOptions | undefined,
): string | undefined {
  if (kind === 'pop') {
    if (options?.tag !== undefined && options.tag.length !== 0) {
      throw new MQInvalidArgumentError('tag', 'consumeHalf does not filter by tag');
    }
    return undefined;
  }
  const expression = consumeTagExpression(options?.tag);
  return expression === undefined ? undefined : encodeURIComponent(expression);
}
