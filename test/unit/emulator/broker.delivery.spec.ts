import { afterEach, describe, expect, it } from '@jest/globals';
import { BrokerError } from '../../../lib/emulator/broker/broker.errors.js';
import { harness, T0, type Harness } from './broker.fixture.js';

const HANDLE_CHARS = /^[A-Za-z0-9+/=_-]+$/;

describe('Broker delivery, ack and redelivery (normal messages)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  it('delivers a published message once per group with the documented fields', async () => {
    h = harness();
    const id = h.publish('orders', 'hello', { tag: 'A', props: { KEYS: 'k1', color: 'red' } });
    expect(id).toMatch(/^[0-9A-F]{32}$/);
    const [m, ...rest] = await h.consume('GID_a');
    expect(rest).toEqual([]);
    expect(m).toMatchObject({
      messageId: id,
      body: 'hello',
      bodyMd5: '5D41402ABC4B2A76B9719D911017C592',
      publishTime: T0,
      firstConsumeTime: T0,
      nextConsumeTime: T0 + 300_000,
      consumedTimes: 1,
      tag: 'A',
      properties: 'KEYS:k1|color:red|',
    });
    expect(m!.receiptHandle.startsWith(id + '-')).toBe(true);
    expect(m!.receiptHandle).toMatch(HANDLE_CHARS);
    // Invisible to the same group until NextConsumeTime.
    expect(await h.consume('GID_a')).toEqual([]);
    expect(h.broker.ack('', 'orders', 'GID_a', [m!.receiptHandle])).toEqual([]);
  });

  it('redelivers after the invisibility time with ConsumedTimes 2, a new handle and FirstConsumeTime kept', async () => {
    h = harness();
    const id = h.publish('orders', 'x');
    const [first] = await h.consume('G');
    h.clock.advance(299_999);
    expect(await h.consume('G')).toEqual([]);
    h.clock.advance(1);
    const [second] = await h.consume('G');
    expect(second).toMatchObject({
      messageId: id,
      consumedTimes: 2,
      firstConsumeTime: T0,
      publishTime: T0,
      nextConsumeTime: T0 + 600_000,
    });
    expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
  });

  it('answers MessageNotExist for an expired handle and the message still comes back', async () => {
    h = harness();
    h.publish('orders', 'x');
    const [first] = await h.consume('G');
    h.clock.advance(300_000);
    const errors = h.broker.ack('', 'orders', 'G', [first!.receiptHandle]);
    expect(errors).toEqual([
      {
        code: 'MessageNotExist',
        message: 'Message not exist.',
        receiptHandle: first!.receiptHandle,
      },
    ]);
    const [again] = await h.consume('G');
    expect(again!.consumedTimes).toBe(2);
  });

  it('a superseded handle fails even after the new delivery is acked', async () => {
    h = harness();
    h.publish('orders', 'x');
    const [first] = await h.consume('G');
    h.clock.advance(300_000);
    const [second] = await h.consume('G');
    expect(h.broker.ack('', 'orders', 'G', [first!.receiptHandle])[0]!.code).toBe(
      'MessageNotExist',
    );
    expect(h.broker.ack('', 'orders', 'G', [second!.receiptHandle])).toEqual([]);
  });

  it('answers ReceiptHandleError for garbage and unknown handles, per handle only', async () => {
    h = harness();
    h.publish('orders', 'x');
    const [m] = await h.consume('G');
    const errors = h.broker.ack('', 'orders', 'G', [
      'garbage',
      '0123456789ABCDEF0123456789ABCDEF-nope',
      m!.receiptHandle,
    ]);
    expect(errors.map((e) => [e.code, e.receiptHandle])).toEqual([
      ['ReceiptHandleError', 'garbage'],
      ['ReceiptHandleError', '0123456789ABCDEF0123456789ABCDEF-nope'],
    ]);
    expect(errors[0]!.message).toBe('The receipt handle you provide is not valid.');
    // The valid handle in the same call was acked: the message never comes back.
    h.clock.advance(600_000);
    expect(await h.consume('G')).toEqual([]);
  });

  it('a double ack fails the second time with MessageNotExist', async () => {
    h = harness();
    h.publish('orders', 'x');
    const [m] = await h.consume('G');
    expect(h.broker.ack('', 'orders', 'G', [m!.receiptHandle])).toEqual([]);
    expect(h.broker.ack('', 'orders', 'G', [m!.receiptHandle])[0]!.code).toBe('MessageNotExist');
  });

  it('a handle of another group is not accepted', async () => {
    h = harness();
    h.publish('orders', 'x');
    const [m] = await h.consume('G1');
    await h.consume('G2');
    expect(h.broker.ack('', 'orders', 'G2', [m!.receiptHandle])[0]!.code).toBe('MessageNotExist');
    expect(h.broker.ack('', 'orders', 'G1', [m!.receiptHandle])).toEqual([]);
  });

  it('moves a message to the dead-letter queue after maxRetries redeliveries', async () => {
    h = harness({ timings: { maxRetries: 2 } });
    const id = h.publish('orders', 'poison');
    for (let n = 1; n <= 3; n++) {
      const [m] = await h.consume('G');
      expect(m!.consumedTimes).toBe(n);
      h.clock.advance(300_000);
    }
    expect(await h.consume('G')).toEqual([]);
    const dead = h.broker.admin.deadLetters({ topic: 'orders', group: 'G' });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      messageId: id,
      body: 'poison',
      state: 'deadletter',
      consumedTimes: 3,
    });
    expect(h.broker.admin.groups()).toEqual([
      {
        instanceId: '',
        topic: 'orders',
        group: 'G',
        ready: 0,
        inflight: 0,
        delayed: 0,
        deadLetter: 1,
      },
    ]);
    // Other groups are unaffected.
    expect((await h.consume('OTHER')).map((m) => m.messageId)).toEqual([id]);
  });

  it('every group receives every message; within a group each goes to one request', async () => {
    h = harness();
    const ids = [h.publish('orders', '1'), h.publish('orders', '2'), h.publish('orders', '3')];
    const a1 = await h.consume('A', { max: 2 });
    const a2 = await h.consume('A', { max: 2 });
    expect([...a1, ...a2].map((m) => m.messageId)).toEqual(ids);
    expect((await h.consume('B')).map((m) => m.messageId)).toEqual(ids);
  });

  it('returns at most max messages and keeps publish order for a single request stream', async () => {
    h = harness();
    const ids = Array.from({ length: 20 }, (_, i) => h.publish('orders', `m${i}`));
    const first = await h.consume('G', { max: 16 });
    const second = await h.consume('G', { max: 16 });
    expect(first).toHaveLength(16);
    expect([...first, ...second].map((m) => m.messageId)).toEqual(ids);
  });

  it('rejects numOfMessages outside 1..16', async () => {
    h = harness();
    await expect(h.consume('G', { max: 0 })).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(h.consume('G', { max: 17 })).rejects.toBeInstanceOf(BrokerError);
  });

  it('namespaces separate topics and groups', async () => {
    h = harness();
    h.broker.publish('MQ_INST_1', 'orders', { body: 'in-ns', properties: new Map() });
    expect(await h.consume('G')).toEqual([]);
    const [m] = await h.consume('G', { ns: 'MQ_INST_1' });
    expect(m!.body).toBe('in-ns');
  });
});

describe('Broker bookkeeping under load', () => {
  it('drains 20,000 messages with acks and drops the expiry entries of acked deliveries', async () => {
    const h = harness();
    for (let i = 0; i < 20_000; i++) h.publish('orders', `m${i}`);
    let got = 0;
    for (;;) {
      const batch = await h.consume('G', { max: 16 });
      if (batch.length === 0) break;
      got += batch.length;
      expect(
        h.broker.ack(
          '',
          'orders',
          'G',
          batch.map((m) => m.receiptHandle),
        ),
      ).toEqual([]);
    }
    expect(got).toBe(20_000);
    // 20,000 retention entries stay; the acked deliveries' expiry entries were dropped in bulk.
    expect(h.broker.due.size).toBeLessThan(20_000 + 10_000);
    h.clock.advance(300_000);
    expect(await h.consume('G')).toEqual([]);
    await h.broker.close();
  });
});
