/** The fault injector's rules: matching, count, after, probability, seed determinism, validation. */
import { describe, expect, it } from '@jest/globals';
import { FaultInjector } from '../../../lib/emulator/faults/fault.injector.js';
import { parseFaultRule } from '../../../lib/emulator/faults/fault-rule.parse.js';
import { FaultRuleError } from '../../../lib/emulator/faults/fault-rule.validate.js';
import type { FaultRequest, FaultRuleInput } from '../../../lib/emulator/faults/fault.types.js';

const publish: FaultRequest = {
  front: 'http',
  operation: 'publish',
  topic: 'orders',
  instanceId: 'MQ_INST_x',
};
const consume: FaultRequest = { ...publish, operation: 'consume', group: 'GID_a' };

/** Indexes (0-based) of the requests, out of n identical ones, that got a fault. */
function faultedIndexes(injector: FaultInjector, n: number, request = publish): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (injector.decide(request) !== undefined) out.push(i);
  return out;
}

const error503: FaultRuleInput['action'] = { kind: 'error', code: 'InternalError', status: 503 };

describe('FaultInjector', () => {
  it('lets everything pass without rules', () => {
    const injector = new FaultInjector({ seed: 1 });
    expect(injector.armed).toBe(false);
    expect(injector.decide(publish)).toBeUndefined();
    expect(injector.stats().injected.total).toBe(0);
  });

  it('matches on front, operation, topic, group and instance id', () => {
    const injector = new FaultInjector({ seed: 1 });
    injector.add({ match: { operation: 'consume', group: 'GID_a' }, action: { kind: 'drop' } });
    injector.add({ match: { front: 'grpc' }, action: { kind: 'stall' } });
    injector.add({ match: { instanceId: '' }, action: { kind: 'reset', when: 'before' } });
    expect(injector.decide(publish)).toBeUndefined();
    expect(injector.decide({ ...consume, group: 'GID_b' })).toBeUndefined();
    expect(injector.decide(consume)?.action).toEqual({ kind: 'drop' });
    expect(injector.decide({ ...publish, front: 'grpc' })?.ruleId).toBe('f2');
    expect(injector.decide({ ...publish, instanceId: '' })?.action).toEqual({
      kind: 'reset',
      when: 'before',
    });
  });

  it('applies the first rule that applies, in the order they were added', () => {
    const injector = new FaultInjector({ seed: 1 });
    const first = injector.add({ count: 1, action: { kind: 'delay', ms: 5 } });
    const second = injector.add({ action: error503 });
    expect(injector.decide(publish)?.ruleId).toBe(first);
    // The first rule is exhausted: the next one decides.
    expect(injector.decide(publish)?.ruleId).toBe(second);
  });

  it('skips `after` matching requests, then applies `count` times', () => {
    const injector = new FaultInjector({ seed: 1 });
    const id = injector.add({ after: 2, count: 3, action: error503 });
    expect(faultedIndexes(injector, 10)).toEqual([2, 3, 4]);
    const rule = injector.stats().rules.find((r) => r.id === id)!;
    expect(rule).toMatchObject({ hits: 3, matched: 5, exhausted: true, after: 2, count: 3 });
  });

  it('gives the same faults for the same seed and request sequence, others for another seed', () => {
    const rule: FaultRuleInput = { probability: 0.3, action: error503 };
    const run = (seed: number): number[] =>
      faultedIndexes(new FaultInjector({ seed, rules: [rule] }), 200);
    const a = run(42);
    expect(run(42)).toEqual(a);
    expect(run(43)).not.toEqual(a);
    // Roughly the probability asked for (200 draws; a generous band, the seed is fixed anyway).
    expect(a.length).toBeGreaterThan(35);
    expect(a.length).toBeLessThan(85);
  });

  it('gives each rule its own stream: another rule does not shift its draws', () => {
    const alone = new FaultInjector({ seed: 7 });
    alone.add({ match: { operation: 'publish' }, probability: 0.5, action: error503 });
    const withOther = new FaultInjector({ seed: 7 });
    withOther.add({ match: { operation: 'publish' }, probability: 0.5, action: error503 });
    withOther.add({ match: { operation: 'consume' }, probability: 0.5, action: { kind: 'drop' } });
    const seq = (injector: FaultInjector): boolean[] => {
      const out: boolean[] = [];
      for (let i = 0; i < 100; i++) {
        out.push(injector.decide(publish) !== undefined);
        injector.decide(consume);
      }
      return out;
    };
    expect(seq(withOther)).toEqual(seq(alone));
  });

  it('counts every injected fault by kind, also after its rule was removed', () => {
    const injector = new FaultInjector({ seed: 3 });
    const a = injector.add({ count: 2, action: { kind: 'reset', when: 'after' } });
    injector.add({ match: { operation: 'consume' }, action: { kind: 'trickle', intervalMs: 10 } });
    faultedIndexes(injector, 3);
    injector.decide(consume);
    expect(injector.remove(a)).toBe(true);
    expect(injector.remove(a)).toBe(false);
    expect(injector.stats().injected).toEqual({
      total: 3,
      byKind: { error: 0, delay: 0, reset: 2, drop: 0, stall: 0, trickle: 1 },
    });
    injector.clear();
    expect(injector.stats().rules).toEqual([]);
    expect(injector.stats().injected.total).toBe(3);
  });

  it('fills an error with the code’s own status and message', () => {
    const injector = new FaultInjector({ seed: 1 });
    injector.add({ action: { kind: 'error', code: 'QpsLimitExceeded' } });
    expect(injector.decide(publish)?.action).toEqual({
      kind: 'error',
      code: 'QpsLimitExceeded',
      status: 429,
      message: 'Qps limit exceeded.',
    });
  });

  it('tells observers about each fault; a throwing observer changes nothing', () => {
    const injector = new FaultInjector({ seed: 1 });
    injector.add({ action: { kind: 'drop' } });
    const seen: string[] = [];
    const off = injector.onFault((d, r) => seen.push(`${d.ruleId}:${r.operation}`));
    injector.onFault(() => {
      throw new Error('observer bug');
    });
    expect(injector.decide(publish)?.action.kind).toBe('drop');
    off();
    injector.decide(publish);
    expect(seen).toEqual(['f1:publish']);
  });

  it.each<[unknown, string]>([
    [{}, 'action'],
    [{ action: { kind: 'explode' } }, 'action.kind'],
    [{ action: { kind: 'error' } }, 'action.code'],
    [{ action: { kind: 'error', code: 'NotACode' } }, 'action.status'],
    [{ action: { kind: 'error', code: 'InternalError', status: 200 } }, 'action.status'],
    [{ action: { kind: 'delay', ms: 0 } }, 'action.ms'],
    [{ action: { kind: 'delay', ms: 5, when: 'before' } }, 'action.when'],
    [{ action: { kind: 'reset', when: 'later' } }, 'action.when'],
    [{ action: { kind: 'trickle' } }, 'action.intervalMs'],
    [{ probability: 0, action: { kind: 'drop' } }, 'probability'],
    [{ probability: 1.5, action: { kind: 'drop' } }, 'probability'],
    [{ count: 0, action: { kind: 'drop' } }, 'count'],
    [{ after: -1, action: { kind: 'drop' } }, 'after'],
    [{ match: { operation: 'publsh' }, action: { kind: 'drop' } }, 'match.operation'],
    [{ match: { front: 'amqp' }, action: { kind: 'drop' } }, 'match.front'],
    [{ match: { topic: '' }, action: { kind: 'drop' } }, 'match.topic'],
    [{ match: { queue: 'x' }, action: { kind: 'drop' } }, 'match.queue'],
    [{ id: 'f1', action: { kind: 'drop' } }, 'id'],
    ['drop', 'rule'],
  ])('refuses %j naming %s', (rule, field) => {
    const injector = new FaultInjector({ seed: 1 });
    let error: unknown;
    try {
      injector.add(rule as FaultRuleInput);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FaultRuleError);
    expect((error as FaultRuleError).field).toBe(field);
    expect(injector.stats().rules).toEqual([]);
  });

  it('refuses a seed that is not a 32-bit unsigned integer', () => {
    expect(() => new FaultInjector({ seed: -1 })).toThrow(FaultRuleError);
    expect(() => new FaultInjector({ seed: 2 ** 32 })).toThrow('seed');
  });
});

describe('the command-line form of a rule', () => {
  it.each<[string, FaultRuleInput]>([
    [
      'operation=publish,probability=0.1,error=InternalError',
      {
        match: { operation: 'publish' },
        probability: 0.1,
        action: {
          kind: 'error',
          code: 'InternalError',
          status: 500,
          message: 'Interal error.',
        },
      },
    ],
    [
      'topic=orders, group=GID_a, count=2, after=1, reset=after',
      {
        match: { topic: 'orders', group: 'GID_a' },
        count: 2,
        after: 1,
        action: { kind: 'reset', when: 'after' },
      },
    ],
    [
      'error=Throttled:429',
      {
        match: {},
        action: {
          kind: 'error',
          code: 'Throttled',
          status: 429,
          message: 'Injected fault Throttled.',
        },
      },
    ],
    [
      'operation=consume,trickle=500',
      { match: { operation: 'consume' }, action: { kind: 'trickle', intervalMs: 500 } },
    ],
    ['delay=250', { match: {}, action: { kind: 'delay', ms: 250 } }],
    ['instanceId=,stall', { match: { instanceId: '' }, action: { kind: 'stall' } }],
    ['{"action":{"kind":"drop"},"count":1}', { match: {}, count: 1, action: { kind: 'drop' } }],
  ])('%s', (text, rule) => {
    expect(parseFaultRule(text)).toEqual(rule);
  });

  it.each([
    ['operation=publish', 'action'],
    ['drop,stall', 'action'],
    ['drop=1', 'action.drop'],
    ['delay=soon', 'action.ms'],
    ['colour=red,drop', 'colour'],
    ['{"action":', 'rule'],
  ])('refuses %s naming %s', (text, field) => {
    expect(() => parseFaultRule(text)).toThrow(
      expect.objectContaining({ field }) as unknown as Error,
    );
  });
});
