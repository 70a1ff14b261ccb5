/**
 * The probe behind `MQClient.checkConnection()`: one signed request with no effect, whose answer
 * says whether the endpoint is the MQ HTTP service and accepts the credentials.
 *
 * It acks a receipt handle that cannot exist on a topic and group that need not exist. The
 * service authenticates a well-formed request before it looks at the resource (PROTOCOL.md §3.1),
 * so a bad key answers 403 `InvalidAccessKeyId` / `SignatureDoesNotMatch` whatever the resource,
 * and good credentials get the resource's answer: `TopicNotExist`, `SubscriptionNotExist`, or a
 * per-handle `ReceiptHandleError`. An ack of an unknown handle changes nothing, and the emulator
 * creates no topic or group for an ack, even when it creates them on use.
 */
import { MQAbortError, MQServiceError, MQTimeoutError } from './client.errors.js';
import type { MQAckResult, MQCallOptions } from './client.types.js';

export const PROBE_TOPIC = 'nestjs-aliyun-mq-connection-check';
export const PROBE_GROUP = 'GID_nestjs_aliyun_mq_connection_check';
export const PROBE_HANDLE = 'nestjs-aliyun-mq-connection-check';

/**
 * Answers that refuse the request itself (its credentials, signature or Date) rather than the
 * probe's resource. `AccessDenied` is not one of them: the key was recognised, it just may not
 * touch the probe's topic (a RAM policy that lists the app's topics), which says nothing about
 * the app's own resources.
 */
const REFUSALS: ReadonlySet<string> = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'TimeExpired',
  'MissingAuthorizationHeader',
  'InvalidAuthorizationHeader',
  'MissingDateHeader',
  'InvalidDateHeader',
  'HTTPForbidden',
]);

export function refusesCredentials(code: string): boolean {
  return REFUSALS.has(code);
}

/** What `checkConnection()` resolves with: the service answered and took the credentials. */
export interface MQConnectionCheck {
  /** The service's answer to the probe (an error code about the probe's resource, or `ok`). */
  answer: string;
  requestId: string;
}

/**
 * Sends the probe (an ack through `ack`) within one request deadline, a credentials provider
 * included, and reads its answer: the probe's own resource errors mean success; a refusal, a
 * retryable answer (proves nothing), a network error or a foreign answer is thrown.
 */
export async function runConnectionCheck(
  ack: (options: MQCallOptions) => Promise<MQAckResult>,
  timeoutMs: number,
  options: MQCallOptions | undefined,
): Promise<MQConnectionCheck> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal =
    options?.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
  try {
    const result = await ack({ ...options, signal });
    return { answer: result.failed[0]?.code ?? 'ok', requestId: result.requestId };
  } catch (error) {
    if (error instanceof MQServiceError && !error.retryable && !refusesCredentials(error.code)) {
      return { answer: error.code, requestId: error.requestId };
    }
    if (error instanceof MQAbortError && deadline.aborted && !options?.signal?.aborted) {
      throw new MQTimeoutError(`checkConnection: no answer within ${timeoutMs} ms`, error);
    }
    throw error;
  }
}
