/** Texts of bootstrap errors and warnings (kept apart so that the wording stays consistent). */
import {
  MQNetworkError,
  MQProtocolError,
  MQServiceError,
  MQTimeoutError,
} from '../transport/index.js';

/** Every module-option error names its connection: with several, "default" is one of them. */
function where(connection: string): string {
  return ` (connection "${connection}")`;
}

export function invalidModuleOption(connection: string, option: string, problem: string): string {
  return `MQModule: option "${option}" ${problem}${where(connection)}`;
}

export function invalidConsumerOption(consumer: string, option: string, problem: string): string {
  return `MQModule: consumer "${consumer}": option "${option}" ${problem}`;
}

export function unknownConnection(consumer: string, connection: string, known: string[]): string {
  const list = known.length ? known.map((k) => `"${k}"`).join(', ') : 'none';
  return (
    `MQModule: consumer "${consumer}" uses connection "${connection}", which no ` +
    `MQModule.forRoot()/forRootAsync() registers (registered: ${list})`
  );
}

export function duplicateSubscription(a: string, b: string, key: string): string {
  return (
    `MQModule: consumers "${a}" and "${b}" both subscribe ${key}; each message would be ` +
    `handled by only one of them at random. Use another group for one of them`
  );
}

export function duplicateName(name: string): string {
  return (
    `MQModule: two consumers or transaction checkers are named "${name}" (a class provided by ` +
    `two modules, two classes of the same name, or a method decorated twice); give one a ` +
    `distinct \`name\` or provide the class once`
  );
}

export function inconsistentTags(a: string, b: string, topic: string, group: string): string {
  return (
    `consumers "${a}" and "${b}" read topic "${topic}" with group "${group}" using different tag ` +
    `filters; the broker expects one subscription per group, so prefer one group per filter`
  );
}

export function timeoutOverWindow(consumer: string, timeoutMs: number, windowMs: number): string {
  return (
    `consumer "${consumer}": handlerTimeoutMs ${timeoutMs} is not below the broker's ` +
    `${windowMs / 1000} s invisibility window; a handler that runs that long loses its receipt ` +
    `handle and the message is delivered again while it still runs`
  );
}

export function requestScopedConsumer(name: string): string {
  return `consumer "${name}" is request-scoped: a new instance tree is created for every message`;
}

export function unknownOverride(name: string, connection: string): string {
  return `option "consumers" of connection "${connection}" names "${name}", which is no consumer of it`;
}

export function duplicateConnection(name: string): string {
  return (
    `connection "${name}" is registered more than once (MQModule.forRoot called twice with the ` +
    `same name); consumers use the first registration`
  );
}

export function consumerStartLine(
  cls: string,
  topic: string,
  tags: string[] | undefined,
  group: string,
  concurrency: number,
  batchSize: number,
  waitSeconds: number,
  orderly: boolean,
  batchHandler = false,
): string {
  const tag = tags ? `[${tags.join('||')}]` : '';
  return (
    `${cls} → ${topic}${tag} @ ${group} (concurrency ${concurrency}, ` +
    `${batchText(batchSize, concurrency)}, wait ${waitSeconds}s${orderly ? ', orderly' : ''}` +
    `${batchHandler ? ', batch handler' : ''})`
  );
}

export function checkerStartLine(
  cls: string,
  topic: string,
  group: string,
  concurrency: number,
  batchSize: number,
  waitSeconds: number,
): string {
  return (
    `${cls} → transaction checks of ${topic} @ ${group} (concurrency ${concurrency}, ` +
    `${batchText(batchSize, concurrency)}, wait ${waitSeconds}s)`
  );
}

/** What a poll asks for: never more messages than handler slots (concurrency). */
function batchText(batchSize: number, concurrency: number): string {
  return batchSize <= concurrency
    ? `batch ${batchSize}`
    : `batch ${concurrency}: batchSize ${batchSize} capped by concurrency`;
}

/**
 * Why `verifyConnection` failed, in words that say what to fix. By the transport's contract a
 * service error from the check is a refusal of the request itself (credentials, signature, Date),
 * or, when retryable, an answer that proves nothing.
 */
export function connectionCheckFailed(
  connection: string,
  endpoint: string,
  error: unknown,
): string {
  const head = `MQModule: connection "${connection}" failed its start-up check (verifyConnection) against ${endpoint}: `;
  if (error instanceof MQServiceError) {
    const answer = `${error.code}, HTTP ${error.status}, request id ${error.requestId || 'none'}`;
    if (error.retryable) {
      return `${head}the service answered ${answer} (${error.message}), which proves nothing either way; try again`;
    }
    if (error.code === 'TimeExpired') {
      return `${head}the service refused the request's Date header (${answer}); this machine's clock is more than 15 minutes off`;
    }
    return `${head}the service refused the credentials (${answer}: ${error.message}); check accessKeyId and accessKeySecret (or credentials) of this connection`;
  }
  if (error instanceof MQTimeoutError) {
    return `${head}no answer in time (${error.message}); is the endpoint reachable from here?`;
  }
  if (error instanceof MQNetworkError) {
    return `${head}cannot reach it (${error.message}); is the endpoint right and reachable from here?`;
  }
  if (error instanceof MQProtocolError) {
    return `${head}something answered, but not as the MQ service (HTTP ${error.status}: ${error.message}); is this the instance's endpoint for this protocol?`;
  }
  return `${head}${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

export function connectionVerified(connection: string, endpoint: string, answer: string): string {
  return `connection "${connection}": ${endpoint} answers and accepts the credentials (the check's probe got ${answer})`;
}
