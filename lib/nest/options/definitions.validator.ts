import { INVISIBILITY_MS } from '../mq.constants.js';
import type { MQConnection } from '../mq.connection.js';
import {
  duplicateName,
  duplicateSubscription,
  inconsistentTags,
  requestScopedConsumer,
  timeoutOverWindow,
  unknownOverride,
} from '../mq.messages.js';
import type { MQHandlerDefinition } from '../interfaces/mq-handler-definition.interface.js';

/**
 * Checks across all discovered handlers: unique names, no two handlers on one subscription
 * (they would split its messages at random), and warnings for risky but legal setups.
 */
export function validateDefinitions(
  definitions: MQHandlerDefinition[],
  connections: Map<string, MQConnection>,
): void {
  const names = new Set<string>();
  const subscriptions = new Map<string, string>();
  const tagSets = new Map<string, { name: string; tags: string }>();
  for (const definition of definitions) {
    const { name, connection, topic, group } = definition.options;
    const logger = connections.get(connection)!.logger;
    if (names.has(name)) throw new Error(duplicateName(name));
    names.add(name);
    const tags =
      definition.kind === 'consumer' ? (definition.options.tags?.join('||') ?? '*') : 'half';
    const key = `${definition.kind === 'checker' ? 'checks of ' : ''}topic "${topic}" with group "${group}"${tags === '*' || tags === 'half' ? '' : ` and tags ${tags}`}${connection === 'default' ? '' : ` on connection "${connection}"`}`;
    const other = subscriptions.get(key);
    if (other !== undefined) throw new Error(duplicateSubscription(other, name, key));
    subscriptions.set(key, name);
    if (definition.target.scope === 'request') logger.warn(requestScopedConsumer(name));
    if (definition.kind !== 'consumer') continue;
    const groupKey = `${connection}\u0000${topic}\u0000${group}`;
    const first = tagSets.get(groupKey);
    if (first === undefined) tagSets.set(groupKey, { name, tags });
    else if (first.tags !== tags) logger.warn(inconsistentTags(first.name, name, topic, group));
    // Where the client chooses the window (RocketMQ 5) it follows the handler timeout.
    if (connections.get(connection)!.transport.clientInvisibility) continue;
    const { orderly, handlerTimeoutMs } = definition.options;
    const window = orderly ? INVISIBILITY_MS.orderly : INVISIBILITY_MS.normal;
    if (handlerTimeoutMs >= window) logger.warn(timeoutOverWindow(name, handlerTimeoutMs, window));
  }
  for (const connection of connections.values()) {
    for (const name of Object.keys(connection.options.consumers)) {
      const target = definitions.find((d) => d.options.name === name);
      if (target === undefined || target.options.connection !== connection.name) {
        connection.logger.warn(unknownOverride(name, connection.name));
      }
    }
  }
}
