import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, T0, type Harness } from './broker.fixture.js';

describe('Broker transactional (half) messages', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  const TOPIC = 'tx';
  const publishHalf = (body: string, seconds = 10) =>
    h.broker.publish('', TOPIC, {
      body,
      properties: new Map([['__TransCheckT', String(seconds)]]),
    });
  const pop = (group = 'GID_tx') => h.consume(group, { topic: TOPIC, kind: 'half' });
  const consume = (group = 'GID_c') => h.consume(group, { topic: TOPIC });

  it('keeps a half message from consumers; commit with the publish handle makes it visible', async () => {
    h = harness();
    const r = publishHalf('order-1');
    expect(r.receiptHandle).toBeDefined();
    expect(r.receiptHandle!.startsWith(r.messageId + '-')).toBe(true);
    expect(await consume()).toEqual([]);
    expect(h.broker.admin.peek({ topic: TOPIC })).toMatchObject([{ state: 'half' }]);
    h.clock.advance(5000);
    expect(h.broker.commit('', TOPIC, 'GID_tx', r.receiptHandle!)).toEqual([]);
    const [m] = await consume();
    expect(m).toMatchObject({ messageId: r.messageId, body: 'order-1', publishTime: T0 });
    expect((await consume('GID_other')).map((x) => x.messageId)).toEqual([r.messageId]);
    // The handle is spent.
    expect(h.broker.commit('', TOPIC, 'GID_tx', r.receiptHandle!)[0]!.code).toBe('MessageNotExist');
  });

  it('rollback discards the half message', async () => {
    h = harness();
    const r = publishHalf('order-2');
    expect(h.broker.rollback('', TOPIC, 'GID_tx', r.receiptHandle!)).toEqual([]);
    h.clock.advance(60_000);
    expect(await consume()).toEqual([]);
    expect(await pop()).toEqual([]);
    expect(h.broker.admin.topics()[0]!.half).toBe(0);
    expect(h.broker.commit('', TOPIC, 'GID_tx', r.receiptHandle!)[0]!.code).toBe('MessageNotExist');
    expect(h.broker.commit('', TOPIC, 'GID_tx', 'junk')[0]!.code).toBe('ReceiptHandleError');
  });

  it('the publish handle expires with the immunity time; then trans=pop offers checks', async () => {
    h = harness();
    const r = publishHalf('order-3', 10);
    expect(await pop()).toEqual([]);
    h.clock.advance(10_000);
    expect(h.broker.commit('', TOPIC, 'GID_tx', r.receiptHandle!)).toEqual([
      { code: 'MessageNotExist', message: 'Message not exist.', receiptHandle: r.receiptHandle },
    ]);
    const [check1] = await pop();
    expect(check1).toMatchObject({
      messageId: r.messageId,
      consumedTimes: 1,
      firstConsumeTime: T0 + 10_000,
      nextConsumeTime: T0 + 20_000,
    });
    // One check at a time, for any group.
    expect(await pop('GID_other')).toEqual([]);
    h.clock.advance(10_000);
    expect(h.broker.commit('', TOPIC, 'GID_tx', check1!.receiptHandle)[0]!.code).toBe(
      'MessageNotExist',
    );
    const [check2] = await pop('GID_other');
    expect(check2).toMatchObject({ messageId: r.messageId, consumedTimes: 2 });
    expect(check2!.receiptHandle).not.toBe(check1!.receiptHandle);
    expect(h.broker.commit('', TOPIC, 'GID_tx', check2!.receiptHandle)).toEqual([]);
    expect((await consume()).map((m) => m.messageId)).toEqual([r.messageId]);
    h.clock.advance(60_000);
    expect(await pop()).toEqual([]);
  });

  it('rolls back a half message still unresolved after halfMaxAgeMs', async () => {
    h = harness({ timings: { halfMaxAgeMs: 60_000 } });
    publishHalf('order-4', 10);
    h.clock.advance(59_999);
    expect(h.broker.admin.topics()[0]!.half).toBe(1);
    h.clock.advance(1);
    expect(h.broker.admin.topics()[0]!.half).toBe(0);
    expect(await pop()).toEqual([]);
    expect(await consume()).toEqual([]);
  });

  it('enforces declared topic types', () => {
    h = harness({
      topics: [
        { name: 'tx', type: 'transactional' },
        { name: 'plain', type: 'normal' },
        { name: 'timers', type: 'delay' },
      ],
    });
    const half = new Map([['__TransCheckT', '10']]);
    const timer = new Map([['__STARTDELIVERTIME', String(T0 + 1000)]]);
    const none = new Map<string, string>();
    const err = (topic: string, properties: Map<string, string>) => {
      try {
        h.broker.publish('', topic, { body: 'x', properties });
        return undefined;
      } catch (e) {
        return e as { code: string; message: string };
      }
    };
    expect(err('plain', half)).toMatchObject({ code: 'InvalidArgument' });
    expect(err('plain', half)!.message).toContain('transactional');
    expect(err('tx', timer)).toMatchObject({ code: 'InvalidArgument' });
    expect(err('tx', none)).toMatchObject({ code: 'InvalidArgument' });
    expect(err('plain', timer)).toMatchObject({ code: 'InvalidArgument' });
    expect(err('timers', half)).toMatchObject({ code: 'InvalidArgument' });
    expect(err('tx', half)).toBeUndefined();
    expect(err('timers', timer)).toBeUndefined();
    expect(err('plain', none)).toBeUndefined();
    // Auto-created topics accept every kind.
    expect(err('auto', half)).toBeUndefined();
    expect(err('auto', timer)).toBeUndefined();
  });
});
