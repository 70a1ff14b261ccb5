import { RESERVED_PROPERTY } from '../../protocol/index.js';
import type { ActivityTap } from '../activity/activity.tap.js';
import type { ConsumerActivity } from '../activity/consumer.activity.js';
import { messageLife } from '../activity/message.timeline.js';
import type { Broker } from '../broker/broker.js';
import { keysOf, matchOf } from '../broker/broker.admin.search.js';
import { VirtualClock } from '../clock/clock.js';
import type { Clock } from '../clock/clock.js';
import type {
  EmulatorAdmin,
  EmulatorMessageSummary,
  EmulatorTestMessage,
} from '../emulator.types.js';

/**
 * An admin call that cannot work: `reason` 'conflict' for the configuration or state (advancing a
 * real clock), 'invalid' for a bad argument.
 */
export class EmulatorAdminError extends Error {
  constructor(
    message: string,
    readonly reason: 'conflict' | 'invalid' = 'conflict',
  ) {
    super(message);
    this.name = 'EmulatorAdminError';
  }
}

const DEFAULT_SEARCH_LIMIT = 50;
/** What a property name or value can never contain on the wire (`k:v|k:v|`). */
const PROPERTY_SEPARATORS = /[|:]/;

/**
 * The in-process admin handle of a running emulator. Queries without `instanceId` look at the
 * emulator's own instance (the one printed in the banner and used by most apps); pass '' for the
 * namespace-less default instance.
 */
export function createEmulatorAdmin(
  broker: Broker,
  clock: Clock,
  instanceId: string,
  tap?: ActivityTap,
  activity?: ConsumerActivity,
): EmulatorAdmin {
  const ns = (given: string | undefined): string => given ?? instanceId;
  const virtualClock = (operation: string): VirtualClock => {
    if (clock instanceof VirtualClock) return clock;
    throw new EmulatorAdminError(
      `${operation}() needs a virtual clock; start the emulator with clock: 'virtual' (CLI: --clock virtual)`,
    );
  };
  return {
    now: () => clock.now(),
    advance(ms: number) {
      const vc = virtualClock('advance');
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new EmulatorAdminError(
          `advance(ms) needs a finite number of milliseconds >= 0, got ${String(ms)}`,
        );
      }
      vc.advance(ms);
    },
    setTime(epochMs: number) {
      const vc = virtualClock('setTime');
      if (typeof epochMs !== 'number' || !Number.isFinite(epochMs)) {
        throw new EmulatorAdminError(
          `setTime(epochMs) needs a finite epoch time in ms, got ${String(epochMs)}`,
        );
      }
      if (epochMs < vc.now()) {
        throw new EmulatorAdminError(
          `setTime(epochMs) cannot move the clock backwards (now ${vc.now()}, asked ${epochMs})`,
        );
      }
      vc.setTime(epochMs);
    },
    reset: () => broker.admin.reset(),
    topics: () => broker.admin.topics(),
    groups: () => broker.admin.groups(),
    peek: (query) => broker.admin.peek({ ...query, instanceId: query.instanceId ?? instanceId }),
    deadLetters: (query) =>
      broker.admin.deadLetters({ ...query, instanceId: query.instanceId ?? instanceId }),
    publish(message) {
      const properties = testMessageProperties(message, clock.now());
      const { messageId, bodyMd5 } = broker.publish(ns(message.instanceId), message.topic, {
        body: message.body,
        ...(message.tag !== undefined && message.tag !== '' ? { tag: message.tag } : {}),
        properties,
      });
      return { messageId, bodyMd5 };
    },
    purgeTopic: (query) => broker.purgeTopic(ns(query.instanceId), query.topic),
    resendDeadLetters: (q) =>
      broker.resendDeadLetters(ns(q.instanceId), q.topic, q.group, q.messageIds),
    purgeDeadLetters: (q) =>
      broker.purgeDeadLetters(ns(q.instanceId), q.topic, q.group, q.messageIds),
    search(query) {
      const text = query.text.trim();
      const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
      if (text === '') return [];
      const hits = broker.admin.search({
        text,
        limit,
        ...(query.instanceId !== undefined ? { instanceId: query.instanceId } : {}),
        ...(query.topic !== undefined ? { topic: query.topic } : {}),
      });
      if (tap === undefined || hits.length >= limit) return hits;
      // Messages the broker no longer holds, remembered by the console's history.
      const known = new Set(hits.map((h) => h.messageId));
      for (const p of tap.history.published()) {
        if (known.has(p.id)) continue;
        if (query.instanceId !== undefined && p.ns !== query.instanceId) continue;
        if (query.topic !== undefined && p.topic !== query.topic) continue;
        const matched = matchOf(text, p.id, p.tag, p.props);
        if (matched === undefined || broker.admin.locate(p.id, p.ns, p.topic) !== undefined) {
          continue;
        }
        known.add(p.id);
        const hit: EmulatorMessageSummary = {
          instanceId: p.ns,
          topic: p.topic,
          messageId: p.id,
          publishTime: p.at,
          state: 'gone',
          matched,
        };
        if (p.tag !== undefined) hit.tag = p.tag;
        const key = keysOf(p.props);
        if (key !== undefined) hit.key = key;
        hits.push(hit);
        if (hits.length >= limit) break;
      }
      return hits;
    },
    message(messageId, where) {
      const record = tap?.history.get(messageId);
      const located = broker.admin.locate(messageId, where?.instanceId, where?.topic);
      if (
        record !== undefined &&
        ((where?.instanceId !== undefined && record.ns !== where.instanceId) ||
          (where?.topic !== undefined && record.topic !== where.topic))
      ) {
        return messageLife(undefined, located, clock.now());
      }
      return messageLife(record, located, clock.now());
    },
    consumers: () => activity?.list() ?? [],
  };
}

/** The wire properties of a test message: the caller's, KEYS and the timer's start time. */
function testMessageProperties(message: EmulatorTestMessage, now: number): Map<string, string> {
  const invalid = (text: string): EmulatorAdminError => new EmulatorAdminError(text, 'invalid');
  if (typeof message.topic !== 'string' || message.topic === '') {
    throw invalid('publish(): topic must be a non-empty string');
  }
  if (typeof message.body !== 'string' || message.body === '') {
    throw invalid('publish(): body must be a non-empty string');
  }
  const properties = new Map<string, string>();
  for (const [k, v] of Object.entries(message.properties ?? {})) {
    if (k === '' || PROPERTY_SEPARATORS.test(k) || typeof v !== 'string' || v.includes('|')) {
      throw invalid(
        `publish(): property "${k}" must be a name without ":" or "|" with a string value without "|"`,
      );
    }
    properties.set(k, v);
  }
  if (message.key !== undefined && message.key !== '') {
    if (message.key.includes('|')) throw invalid('publish(): key must not contain "|"');
    properties.set(RESERVED_PROPERTY.KEYS, message.key);
  }
  if (message.delayMs !== undefined) {
    if (!Number.isInteger(message.delayMs) || message.delayMs < 0) {
      throw invalid('publish(): delayMs must be a whole number of milliseconds >= 0');
    }
    properties.set(RESERVED_PROPERTY.START_DELIVER_TIME, String(now + message.delayMs));
  }
  return properties;
}
