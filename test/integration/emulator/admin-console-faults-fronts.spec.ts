/**
 * A message's life shows the faults that touched it on the gRPC and ONS fronts too, as on the MQ
 * HTTP front (admin-console-faults.spec.ts): over real sockets, raw gRPC calls and the ONS client
 * against the real emulator, read back through the console's message API. With the console off the
 * same faults are applied and nothing is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { MQNetworkError, MQServiceError, OnsHttpClient } from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import { msToDuration } from '../../../lib/protocol-grpc/index.js';
import { RawGrpc, receiveResult } from './grpc-raw.helper.js';

const START = Date.UTC(2026, 0, 1);
const INVISIBLE_MS = 30_000;

/** The gRPC and ONS fronts of one emulator, and the calls the tests make. */
class Fronts {
  readonly grpc: RawGrpc;
  readonly ons: OnsHttpClient;

  constructor(readonly emulator: RunningEmulator) {
    this.grpc = new RawGrpc(emulator.grpcEndpoint!, {
      namespace: emulator.instanceId,
      accessKey: emulator.credentials.accessKeyId,
      secret: emulator.credentials.accessKeySecret,
    });
    this.ons = new OnsHttpClient(emulator.endpoint, emulator.credentials);
  }

  send(topic: string, body: string): Promise<any> {
    const message = {
      topic: { name: topic, resourceNamespace: this.emulator.instanceId },
      body: Buffer.from(body),
      systemProperties: {
        messageId: `ID${Math.random().toString(36).slice(2)}`,
        messageType: 'NORMAL',
        bodyEncoding: 'IDENTITY',
      },
    };
    return this.grpc.unary('SendMessage', { messages: [message] });
  }

  async receive(topic: string, group: string): Promise<any[]> {
    const frames = await this.grpc.receive({
      group: { name: group },
      messageQueue: { topic: { name: topic }, id: 0 },
      filterExpression: { type: 'TAG', expression: '*' },
      batchSize: 16,
      invisibleDuration: msToDuration(INVISIBLE_MS),
      longPollingTimeout: msToDuration(0),
    });
    return receiveResult(frames).messages;
  }

  ack(topic: string, group: string, receiptHandle: string): Promise<any> {
    return this.grpc.unary('AckMessage', {
      group: { name: group },
      topic: { name: topic },
      entries: [{ receiptHandle }],
    });
  }

  changeInvisible(topic: string, group: string, receiptHandle: string): Promise<any> {
    return this.grpc.unary('ChangeInvisibleDuration', {
      group: { name: group },
      topic: { name: topic },
      receiptHandle,
      invisibleDuration: msToDuration(INVISIBLE_MS),
    });
  }

  async life(messageId: string): Promise<any> {
    const res = await fetch(`${this.emulator.endpoint}/_emulator/messages/${messageId}`);
    expect(res.status).toBe(200);
    return res.json();
  }

  idOf(topic: string): string {
    const [stored] = this.emulator.admin.peek({ topic });
    return stored!.messageId;
  }

  async close(): Promise<void> {
    this.grpc.close();
    await this.ons.close();
    await this.emulator.stop();
  }
}

const rejection = (p: Promise<unknown>): Promise<any> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );

/** [kind, rule, attempt] of each timeline entry: the shape of a message's life. */
const steps = (life: any): unknown[] =>
  life.timeline.map((e: any) => [e.kind, e.fault?.ruleId, e.attempt]);

const start = (console: boolean): Promise<RunningEmulator> =>
  startEmulator({
    clock: 'virtual',
    startTime: START,
    grpcPort: 0,
    console,
    timings: { invisibilityMs: INVISIBLE_MS },
    faults: { seed: 9 },
  });

describe('console: faults in message timelines on the gRPC and ONS fronts', () => {
  let f: Fronts;

  beforeAll(async () => {
    f = new Fronts(await start(true));
  });
  afterAll(() => f.close());

  it('gRPC: a stored publish, a receive answer, an ack and an invisibility change', async () => {
    const topic = 'grpc-faulted-life';
    const group = 'GID_grpc_faulted';
    const faults = f.emulator.faults;
    const publishRule = faults.add({
      match: { front: 'grpc', operation: 'publish', topic },
      count: 1,
      action: { kind: 'reset', when: 'after' },
    });
    expect(await rejection(f.send(topic, 'stored, answer lost'))).toMatchObject({
      code: GrpcStatus.INTERNAL,
    });
    const messageId = f.idOf(topic);

    const receiveRule = faults.add({
      match: { front: 'grpc', operation: 'consume', topic },
      count: 1,
      action: { kind: 'reset', when: 'after' },
    });
    expect(await rejection(f.receive(topic, group))).toMatchObject({
      code: GrpcStatus.INTERNAL,
    });
    f.emulator.admin.advance(INVISIBLE_MS);
    const [again] = await f.receive(topic, group);
    expect(again.systemProperties.deliveryAttempt).toBe(2);
    const handle: string = again.systemProperties.receiptHandle;

    const ackRule = faults.add({
      match: { front: 'grpc', operation: 'ack', topic },
      count: 1,
      action: { kind: 'error', code: 'INTERNAL_SERVER_ERROR', message: 'broker busy' },
    });
    expect((await f.ack(topic, group, handle)).status.code).toBe('INTERNAL_SERVER_ERROR');

    const changeRule = faults.add({
      match: { front: 'grpc', operation: 'changeInvisibleDuration', topic },
      count: 1,
      action: { kind: 'delay', ms: 1 },
    });
    const changed = await f.changeInvisible(topic, group, handle);
    expect(changed.status.code).toBe('OK');

    // An ack the server refuses on its own (the old handle) is not the fault's doing: not shown.
    faults.add({
      match: { front: 'grpc', operation: 'ack', topic },
      count: 1,
      action: { kind: 'delay', ms: 1 },
    });
    expect((await f.ack(topic, group, handle)).status.code).toBe('INVALID_RECEIPT_HANDLE');

    const lateAckRule = faults.add({
      match: { front: 'grpc', operation: 'ack', topic },
      count: 1,
      action: { kind: 'delay', ms: 1 },
    });
    expect((await f.ack(topic, group, changed.receiptHandle)).status.code).toBe('OK');

    const life = await f.life(messageId);
    expect(steps(life)).toEqual([
      ['published', undefined, undefined],
      ['faultInjected', publishRule, undefined],
      ['delivered', undefined, 1],
      ['faultInjected', receiveRule, 1],
      ['expired', undefined, 1],
      ['delivered', undefined, 2],
      ['faultInjected', ackRule, 2],
      // A new handle for the same attempt.
      ['invisibilityChanged', undefined, 2],
      ['faultInjected', changeRule, 2],
      ['acked', undefined, undefined],
      ['faultInjected', lateAckRule, 2],
    ]);
    const fault = (i: number): unknown => life.timeline[i].fault;
    expect(fault(1)).toEqual({
      ruleId: publishRule,
      front: 'grpc',
      operation: 'publish',
      action: { kind: 'reset', when: 'after' },
      acted: true,
    });
    expect(life.timeline[3]).toMatchObject({
      group,
      receiptHandle: life.timeline[2].receiptHandle,
      fault: { front: 'grpc', operation: 'consume', action: { kind: 'reset' }, acted: true },
    });
    expect(life.timeline[6]).toMatchObject({
      group,
      receiptHandle: handle,
      fault: {
        front: 'grpc',
        operation: 'ack',
        action: { kind: 'error', code: 'INTERNAL_SERVER_ERROR' },
        acted: false,
      },
    });
    // The fault on the change names the handle it was given (the renewed one comes before).
    expect(life.timeline[8]).toMatchObject({
      receiptHandle: handle,
      fault: { operation: 'changeInvisibleDuration', action: { kind: 'delay' }, acted: true },
    });
    expect(life.timeline[7].receiptHandle).toBe(changed.receiptHandle);
    expect(life.timeline[10]).toMatchObject({
      receiptHandle: changed.receiptHandle,
      fault: { front: 'grpc', operation: 'ack', action: { kind: 'delay', ms: 1 }, acted: true },
    });
  });

  it('gRPC: an error answered to a publish or a receive touches no message', async () => {
    const topic = 'grpc-untouched';
    const group = 'GID_grpc_untouched';
    f.emulator.faults.add({
      match: { front: 'grpc', operation: 'publish', topic },
      count: 1,
      action: { kind: 'error', code: 'TOO_MANY_REQUESTS' },
    });
    expect((await f.send(topic, 'refused')).status.code).toBe('TOO_MANY_REQUESTS');
    const sent = await f.send(topic, 'stored');
    f.emulator.faults.add({
      match: { front: 'grpc', operation: 'consume', topic },
      count: 1,
      action: { kind: 'error', code: 'UNAVAILABLE' },
    });
    expect(await rejection(f.receive(topic, group))).toMatchObject({
      code: GrpcStatus.UNAVAILABLE,
    });
    expect(await f.receive(topic, group)).toHaveLength(1);
    const life = await f.life(sent.entries[0].messageId);
    expect(life.timeline.map((e: any) => e.kind)).toEqual(['published', 'delivered']);
  });

  it('ONS: a stored publish, a consume answer and deletes', async () => {
    const topic = 'TP_ons_faulted_life';
    const pid = 'PID_ons_faulted';
    const cid = 'CID_ons_faulted';
    const faults = f.emulator.faults;
    const publishRule = faults.add({
      match: { front: 'ons', operation: 'publish', topic },
      count: 1,
      action: { kind: 'reset', when: 'after' },
    });
    expect(await rejection(f.ons.publish(topic, pid, { body: 'stored' }))).toBeInstanceOf(
      MQNetworkError,
    );
    const messageId = f.idOf(topic);

    const consumeRule = faults.add({
      match: { front: 'ons', operation: 'consume', topic },
      count: 1,
      action: { kind: 'reset', when: 'after' },
    });
    expect(await rejection(f.ons.consume(topic, cid))).toBeInstanceOf(MQNetworkError);
    f.emulator.admin.advance(INVISIBLE_MS);
    const [again] = await f.ons.consume(topic, cid);
    expect(again!.reconsumeTimes).toBe(1);

    const refusedRule = faults.add({
      match: { front: 'ons', operation: 'ack', topic },
      count: 1,
      action: { kind: 'error', code: 'INTERNAL_ERROR', status: 503 },
    });
    expect(await rejection(f.ons.delete(topic, cid, again!.msgHandle))).toBeInstanceOf(
      MQServiceError,
    );
    const deleteRule = faults.add({
      match: { front: 'ons', operation: 'ack', topic },
      count: 1,
      action: { kind: 'delay', ms: 1 },
    });
    await f.ons.delete(topic, cid, again!.msgHandle);

    const life = await f.life(messageId);
    expect(steps(life)).toEqual([
      ['published', undefined, undefined],
      ['faultInjected', publishRule, undefined],
      ['delivered', undefined, 1],
      ['faultInjected', consumeRule, 1],
      ['expired', undefined, 1],
      ['delivered', undefined, 2],
      ['faultInjected', refusedRule, 2],
      ['acked', undefined, undefined],
      ['faultInjected', deleteRule, 2],
    ]);
    expect(life.timeline[1].fault).toEqual({
      ruleId: publishRule,
      front: 'ons',
      operation: 'publish',
      action: { kind: 'reset', when: 'after' },
      acted: true,
    });
    expect(life.timeline[3]).toMatchObject({
      group: cid,
      receiptHandle: life.timeline[2].receiptHandle,
      fault: { front: 'ons', operation: 'consume', acted: true },
    });
    // The old API's delete is an ack; the msgHandle resolves to the delivery it came with.
    expect(life.timeline[6]).toMatchObject({
      group: cid,
      receiptHandle: again!.msgHandle,
      fault: { front: 'ons', operation: 'ack', action: { kind: 'error' }, acted: false },
    });
    expect(life.timeline[8]).toMatchObject({
      receiptHandle: again!.msgHandle,
      fault: { front: 'ons', operation: 'ack', action: { kind: 'delay' }, acted: true },
    });
  });
});

describe('console off: the same faults on the gRPC and ONS fronts record nothing', () => {
  let f: Fronts;

  beforeAll(async () => {
    f = new Fronts(await start(false));
  });
  afterAll(() => f.close());

  it('applies every fault, answers as usual, and the message shows only its publish', async () => {
    const faults = f.emulator.faults;
    const before = faults.stats().injected.total;
    for (const front of ['grpc', 'ons'] as const) {
      for (const operation of ['publish', 'consume', 'ack'] as const) {
        faults.add({ match: { front, operation }, count: 1, action: { kind: 'delay', ms: 1 } });
      }
    }
    const sent = await f.send('grpc-off', 'x');
    const [received] = await f.receive('grpc-off', 'GID_off');
    expect(
      (await f.ack('grpc-off', 'GID_off', received.systemProperties.receiptHandle)).status,
    ).toMatchObject({ code: 'OK' });

    const published = await f.ons.publish('TP_ons_off', 'PID_off', { body: 'y' });
    const [consumed] = await f.ons.consume('TP_ons_off', 'CID_off');
    await f.ons.delete('TP_ons_off', 'CID_off', consumed!.msgHandle);

    expect(faults.stats().injected.total - before).toBe(6);
    for (const id of [sent.entries[0].messageId, published.messageId]) {
      const life = await f.life(id);
      expect(life.recorded).toBe(false);
      expect(life.timeline.map((e: any) => e.kind)).toEqual(['published']);
    }
  });
});
