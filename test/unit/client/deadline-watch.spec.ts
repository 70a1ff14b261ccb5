/** DeadlineWatch: one timer for many deadlines, lists per timeout, expiry order, unwatch. */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { DeadlineEntry, DeadlineWatch } from '../../../lib/client/deadline.watch.js';

class Entry extends DeadlineEntry {
  constructor(
    readonly name: string,
    private readonly log: string[],
  ) {
    super();
  }

  expire(): void {
    this.log.push(this.name);
  }
}

describe('DeadlineWatch', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  function setup() {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const log: string[] = [];
    const watch = new DeadlineWatch();
    return { log, watch, entry: (name: string) => new Entry(name, log) };
  }

  it('expires entries at their deadline, earliest first, across timeouts', () => {
    const { log, watch, entry } = setup();
    watch.watch(entry('long-a'), 300);
    watch.watch(entry('short-a'), 100);
    jest.advanceTimersByTime(50);
    watch.watch(entry('short-b'), 100);
    watch.watch(entry('long-b'), 300);
    expect(watch.size).toBe(4);
    jest.advanceTimersByTime(60);
    expect(log).toEqual(['short-a']);
    jest.advanceTimersByTime(50);
    expect(log).toEqual(['short-a', 'short-b']);
    jest.advanceTimersByTime(150);
    expect(log).toEqual(['short-a', 'short-b', 'long-a']);
    jest.advanceTimersByTime(50);
    expect(log).toEqual(['short-a', 'short-b', 'long-a', 'long-b']);
    expect(watch.size).toBe(0);
  });

  it('an unwatched entry never expires; its neighbours still do', () => {
    const { log, watch, entry } = setup();
    const a = entry('a');
    const b = entry('b');
    const c = entry('c');
    watch.watch(a, 100);
    watch.watch(b, 100);
    watch.watch(c, 100);
    watch.unwatch(b);
    watch.unwatch(b); // twice is harmless
    watch.unwatch(a);
    jest.advanceTimersByTime(150);
    expect(log).toEqual(['c']);
  });

  it('keeps one timer for many requests of the same timeout', () => {
    const { watch, entry } = setup();
    const spy = jest.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 1_000; i++) {
      const e = entry(`e${i}`);
      watch.watch(e, 10_000);
      watch.unwatch(e);
    }
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('a later, shorter deadline re-arms the timer earlier', () => {
    const { log, watch, entry } = setup();
    watch.watch(entry('poll'), 35_000);
    watch.watch(entry('publish'), 100);
    jest.advanceTimersByTime(120);
    expect(log).toEqual(['publish']);
  });

  it('latestDeadline is the last tail; stop() leaves nothing armed', () => {
    const { log, watch, entry } = setup();
    expect(watch.latestDeadline()).toBeUndefined();
    watch.watch(entry('a'), 100);
    watch.watch(entry('b'), 500);
    const latest = watch.latestDeadline()!;
    expect(latest - performance.now()).toBeGreaterThan(400);
    watch.stop();
    jest.advanceTimersByTime(1_000);
    expect(log).toEqual([]);
  });
});
