import { describe, expect, it } from '@jest/globals';
import { RealClock, VirtualClock } from '../../../lib/emulator/clock/clock.js';

describe('VirtualClock', () => {
  it('fires everything due on advance, in time order, each seeing its own due time', () => {
    const clock = new VirtualClock(1000);
    const seen: [string, number][] = [];
    clock.schedule(1300, () => seen.push(['c', clock.now()]));
    clock.schedule(1100, () => seen.push(['a', clock.now()]));
    clock.schedule(1100, () => seen.push(['b', clock.now()]));
    clock.schedule(5000, () => seen.push(['late', clock.now()]));
    clock.advance(500);
    expect(seen).toEqual([
      ['a', 1100],
      ['b', 1100],
      ['c', 1300],
    ]);
    expect(clock.now()).toBe(1500);
  });

  it('runs tasks scheduled by a callback when they fall inside the same advance', () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.schedule(10, () => {
      seen.push(clock.now());
      clock.schedule(clock.now() + 10, () => seen.push(clock.now()));
    });
    clock.advance(100);
    expect(seen).toEqual([10, 20]);
  });

  it('an advance from inside a callback extends the running advance and never goes backwards', () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.schedule(10, () => clock.advance(1000)); // now 10 → target 1010
    clock.schedule(500, () => seen.push(clock.now()));
    clock.advance(100);
    expect(seen).toEqual([500]);
    expect(clock.now()).toBe(1010);
  });

  it('cancel prevents a task from firing; setTime never goes backwards', () => {
    const clock = new VirtualClock(0);
    let fired = false;
    const cancel = clock.schedule(10, () => (fired = true));
    cancel();
    clock.setTime(50);
    expect(fired).toBe(false);
    expect(() => clock.setTime(49)).toThrow(/backwards/);
    expect(() => clock.advance(-1)).toThrow(/advance/);
    expect(() => new VirtualClock(Number.NaN)).toThrow(/start/);
  });

  it('fires a task scheduled in the past on the next advance', () => {
    const clock = new VirtualClock(100);
    let at = -1;
    clock.schedule(50, () => (at = clock.now()));
    clock.advance(0);
    expect(at).toBe(100);
  });
});

describe('RealClock', () => {
  it('fires a scheduled callback and honours cancel', async () => {
    const clock = new RealClock();
    const fired = await new Promise<boolean>((resolve) => {
      clock.schedule(clock.now() + 5, () => resolve(true));
    });
    expect(fired).toBe(true);
    let cancelledFired = false;
    const cancel = clock.schedule(clock.now() + 5, () => (cancelledFired = true));
    cancel();
    await new Promise<void>((r) => setTimeout(r, 30));
    expect(cancelledFired).toBe(false);
  });

  it('accepts deadlines beyond the 2^31-1 ms setTimeout range without firing early', async () => {
    const clock = new RealClock();
    let fired = false;
    const cancel = clock.schedule(clock.now() + 2 ** 33, () => (fired = true));
    await new Promise<void>((r) => setTimeout(r, 20));
    expect(fired).toBe(false);
    cancel();
  });
});
