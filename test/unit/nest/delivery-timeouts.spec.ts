/**
 * Handler timeouts through one timer per runner (TimeoutQueue, via ActiveDelivery.armTimeout on a
 * tracked delivery): expiry order, disarming, nothing holding the event loop once nothing is armed
 * (the timer is left set, unref'd, and stops when it fires on an empty queue), and the tracker's
 * list for the drain deadline.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import {
  ActiveDelivery,
  DELIVERY_ABANDONED,
  DELIVERY_RUNNING,
  DELIVERY_TIMED_OUT,
  DeliveryTracker,
} from '../../../lib/nest/consumer/delivery-tracker.js';
import type { MQReceivedMessage } from '../../../lib/transport/index.js';

function setup() {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
  trackTimers();
  const timedOut: string[] = [];
  const owner = {
    onDeliveryTimeout(delivery: ActiveDelivery) {
      delivery.state = DELIVERY_TIMED_OUT;
      timedOut.push(delivery.message.messageId);
    },
  };
  const tracker = new DeliveryTracker();
  const start = (id: string, timeoutMs = 100): ActiveDelivery => {
    const delivery = new ActiveDelivery({ messageId: id } as MQReceivedMessage, owner);
    tracker.add(delivery);
    delivery.armTimeout(timeoutMs);
    return delivery;
  };
  const settle = (delivery: ActiveDelivery): void => {
    delivery.disarmTimeout();
    tracker.delete(delivery);
  };
  return { timedOut, tracker, start, settle };
}

/** Fake timers still pending that hold the event loop open (`hasRef()`). */
function refedTimers(): number {
  let count = 0;
  for (const timer of pendingTimers) if (timer.hasRef()) count++;
  return count;
}

/** Every timer the code under test set, kept by a wrapper of the fake `setTimeout`; fired ones leave. */
const pendingTimers = new Set<NodeJS.Timeout>();

function trackTimers(): void {
  pendingTimers.clear();
  const fake = globalThis.setTimeout;
  const wrapped = ((fn: () => void, ms?: number) => {
    const timer: NodeJS.Timeout = fake(() => {
      pendingTimers.delete(timer);
      fn();
    }, ms);
    pendingTimers.add(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = wrapped;
}

describe('handler timeouts', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('time out at their deadline, oldest first, each once', () => {
    const { timedOut, start } = setup();
    start('a');
    jest.advanceTimersByTime(40);
    start('b');
    start('c');
    jest.advanceTimersByTime(59);
    expect(timedOut).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(timedOut).toEqual(['a']);
    jest.advanceTimersByTime(40);
    expect(timedOut).toEqual(['a', 'b', 'c']);
    jest.advanceTimersByTime(1_000);
    expect(timedOut).toEqual(['a', 'b', 'c']);
  });

  it('a delivery that settles in time never times out, whatever its place', () => {
    const { timedOut, start, settle } = setup();
    const a = start('a');
    jest.advanceTimersByTime(10);
    start('b');
    jest.advanceTimersByTime(10);
    const c = start('c');
    settle(a);
    settle(c);
    jest.advanceTimersByTime(500);
    expect(timedOut).toEqual(['b']);
  });

  it('holds the event loop only while something is armed, and stops on an empty queue', () => {
    const { timedOut, start, settle } = setup();
    const deliveries = [start('a'), start('b'), start('c')];
    expect(jest.getTimerCount()).toBe(1);
    expect(refedTimers()).toBe(1);
    for (const d of deliveries) settle(d);
    // Left set for the next delivery (no timer per message), but it keeps nothing alive.
    expect(refedTimers()).toBe(0);
    jest.advanceTimersByTime(50);
    start('d');
    expect(jest.getTimerCount()).toBe(1);
    expect(refedTimers()).toBe(1);
    // The old timer fires early for d, finds it not due and is set again for the rest.
    jest.advanceTimersByTime(99);
    expect(timedOut).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(timedOut).toEqual(['d']);
    expect(jest.getTimerCount()).toBe(0);
    start('e');
    settle(start('f'));
    expect(refedTimers()).toBe(1);
    jest.advanceTimersByTime(100);
    expect(timedOut).toEqual(['d', 'e']);
    // Fired on an empty queue: nothing is set any more.
    jest.advanceTimersByTime(1_000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('deliveries with another timeout keep their own deadlines', () => {
    const { timedOut, start } = setup();
    start('slow', 300);
    start('fast', 100);
    jest.advanceTimersByTime(100);
    expect(timedOut).toEqual(['fast']);
    jest.advanceTimersByTime(200);
    expect(timedOut).toEqual(['fast', 'slow']);
  });

  it('the drain deadline abandons what still runs, not what timed out or settled', () => {
    const { tracker, start, settle } = setup();
    const late = start('late', 50);
    const done = start('done');
    const running = start('running');
    jest.advanceTimersByTime(50);
    settle(done);
    expect(tracker.size).toBe(2);
    const abandoned = tracker.abandonAll(() => new Error('drain deadline'));
    expect(abandoned.map((d) => d.message.messageId)).toEqual(['running']);
    expect(running.state).toBe(DELIVERY_ABANDONED);
    expect(late.state).toBe(DELIVERY_TIMED_OUT);
    expect(done.state).toBe(DELIVERY_RUNNING);
    expect(refedTimers()).toBe(0);
  });
});
