/** Shared set-up for broker unit tests: a Broker on a VirtualClock with default cloud timings. */
import {
  Broker,
  type BrokerOptions,
  type ConsumeRequest,
} from '../../../lib/emulator/broker/broker.js';
import { VirtualClock } from '../../../lib/emulator/clock/clock.js';
import type { EmulatorTimings } from '../../../lib/emulator/emulator.types.js';

export const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

export const DEFAULT_TIMINGS: EmulatorTimings = {
  invisibilityMs: 300_000,
  orderlyInvisibilityMs: 60_000,
  halfInvisibilityMs: 10_000,
  maxRetries: 288,
  retentionMs: 3 * 24 * 3600_000,
  halfMaxAgeMs: 24 * 3600_000,
  maxDateSkewMs: 15 * 60_000,
  maxWaitSeconds: 30,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  onsMaxTimeSkewMs: 15_000,
};

export interface Harness {
  broker: Broker;
  clock: VirtualClock;
  publish(
    topic: string,
    body: string,
    opts?: { tag?: string; props?: Record<string, string> },
  ): string;
  consume(
    group: string,
    opts?: Partial<ConsumeRequest> & { wait?: number; signal?: AbortSignal },
  ): Promise<import('../../../lib/protocol/index.js').ConsumedMessageDoc[]>;
}

export function harness(
  opts: Partial<Omit<BrokerOptions, 'timings' | 'clock'>> & {
    timings?: Partial<EmulatorTimings>;
    topic?: string;
  } = {},
): Harness {
  const clock = new VirtualClock(T0);
  const broker = new Broker({
    clock,
    autoCreate: opts.autoCreate ?? true,
    timings: { ...DEFAULT_TIMINGS, ...opts.timings },
    topics: opts.topics,
    groups: opts.groups,
    store: opts.store,
    observer: opts.observer,
  });
  const defaultTopic = opts.topic ?? 'orders';
  return {
    broker,
    clock,
    publish(topic, body, o = {}) {
      return broker.publish('', topic, {
        body,
        tag: o.tag,
        properties: new Map(Object.entries(o.props ?? {})),
      }).messageId;
    },
    consume(group, o = {}) {
      return broker.consume(
        {
          ns: o.ns ?? '',
          topic: o.topic ?? defaultTopic,
          group,
          kind: o.kind ?? 'normal',
          max: o.max ?? 16,
          tags: o.tags,
          ...(o.invisibleMs !== undefined ? { invisibleMs: o.invisibleMs } : {}),
        },
        o.wait ?? 0,
        o.signal,
      );
    },
  };
}
