/**
 * What the console's Faults view and timelines rely on, over real HTTP with the real client: the
 * live stream carries injected faults and rule changes (from the admin API and from code), stays
 * bounded under a fault storm, and a message's life shows the faults that touched it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MQClient, MQNetworkError } from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import type { FaultInjector } from '../../../lib/emulator/faults/fault.injector.js';

const START = Date.UTC(2026, 0, 1);

/** Reads `change` events of the live stream until `done` says enough. */
class Stream {
  private text = '';
  private readonly controller = new AbortController();
  private reader: ReadableStreamDefaultReader<string> | undefined;
  /** Every `change` event's data, in order. */
  readonly changes: any[] = [];
  hello: any;

  async open(endpoint: string): Promise<void> {
    const res = await fetch(`${endpoint}/_emulator/events`, { signal: this.controller.signal });
    this.reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    await this.until(() => this.hello !== undefined);
  }

  async until(done: () => boolean): Promise<void> {
    while (!done()) {
      const { value, done: ended } = await this.reader!.read();
      if (ended) throw new Error('the stream ended');
      this.text += value;
      let end;
      while ((end = this.text.indexOf('\n\n')) !== -1) {
        const block = this.text.slice(0, end);
        this.text = this.text.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data === undefined) continue;
        if (block.startsWith('retry:') || block.includes('event: hello'))
          this.hello = JSON.parse(data);
        else this.changes.push(JSON.parse(data));
      }
    }
  }

  events(kind?: string): any[] {
    const all = this.changes.flatMap((c) => c.events);
    return kind === undefined ? all : all.filter((e) => e.kind === kind);
  }

  close(): void {
    this.controller.abort();
  }
}

describe('console: faults over the live stream and in timelines', () => {
  let emulator: RunningEmulator;
  let client: MQClient;

  beforeAll(async () => {
    emulator = await startEmulator({
      clock: 'virtual',
      startTime: START,
      timings: { invisibilityMs: 60_000 },
      faults: { seed: 5 },
    });
    client = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
    });
  });
  afterAll(async () => {
    await client.close();
    await emulator.stop();
  });

  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${emulator.endpoint}/_emulator/${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  it('streams rule changes (admin API and code), injected faults and the fault summary', async () => {
    const stream = new Stream();
    await stream.open(emulator.endpoint);
    expect(stream.hello.faults).toEqual({ rules: 0, injected: 0 });
    try {
      const added = await post('faults', {
        match: { operation: 'publish', topic: 'live-faults' },
        action: { kind: 'error', code: 'QpsLimitExceeded' },
      });
      const { id } = (await added.json()) as { id: string };
      const fromCode = emulator.faults.add({
        match: { topic: 'nothing' },
        action: { kind: 'drop' },
      });
      await expect(client.publish('live-faults', { body: 'x' })).rejects.toMatchObject({
        code: 'QpsLimitExceeded',
      });
      await stream.until(() => stream.events('faultInjected').length === 1);
      expect(stream.events('faultRuleAdded')).toEqual([
        { kind: 'faultRuleAdded', instanceId: '', topic: '', ruleId: id },
        { kind: 'faultRuleAdded', instanceId: '', topic: '', ruleId: fromCode },
      ]);
      expect(stream.events('faultInjected')).toEqual([
        {
          kind: 'faultInjected',
          instanceId: emulator.instanceId,
          topic: 'live-faults',
          ruleId: id,
          action: 'error',
          front: 'http',
          operation: 'publish',
        },
      ]);
      expect(stream.changes.at(-1).faults).toEqual({ rules: 2, injected: 1 });

      await fetch(`${emulator.endpoint}/_emulator/faults/${id}`, { method: 'DELETE' });
      emulator.faults.clear();
      await stream.until(() => stream.events('faultRulesCleared').length === 1);
      expect(stream.events().filter((e) => e.kind.startsWith('faultRule'))).toEqual([
        expect.objectContaining({ kind: 'faultRuleAdded' }),
        expect.objectContaining({ kind: 'faultRuleAdded' }),
        { kind: 'faultRuleRemoved', instanceId: '', topic: '', ruleId: id },
        { kind: 'faultRulesCleared', instanceId: '', topic: '' },
      ]);
      expect(stream.changes.at(-1).faults).toEqual({ rules: 0, injected: 1 });
    } finally {
      stream.close();
    }
  });

  it('stays bounded under a fault storm: at most 20 fault events per change, the rest counted', async () => {
    const stream = new Stream();
    await stream.open(emulator.endpoint);
    const storm = 400;
    try {
      emulator.faults.add({
        match: { operation: 'publish', topic: 'storm' },
        action: { kind: 'error', code: 'InternalError', status: 503 },
      });
      const before = emulator.faults.stats().injected.total;
      const failures = await Promise.allSettled(
        Array.from({ length: storm }, () => client.publish('storm', { body: 'x' })),
      );
      expect(failures.every((f) => f.status === 'rejected')).toBe(true);
      // An error answered to a publish touches no message: only fault events were produced.
      const seen = (): number =>
        stream.events('faultInjected').length + stream.changes.reduce((n, c) => n + c.more, 0);
      await stream.until(() => seen() >= storm);
      expect(seen()).toBe(storm);
      for (const change of stream.changes) {
        expect(
          change.events.filter((e: any) => e.kind.startsWith('fault')).length,
        ).toBeLessThanOrEqual(20);
      }
      expect(stream.changes.at(-1).faults.injected).toBe(before + storm);

      // A burst inside one flush interval (decided synchronously): one change, 20 listed.
      const injector = emulator.faults as FaultInjector;
      const changes = stream.changes.length;
      for (let i = 0; i < 1_000; i++) {
        injector.decide({ front: 'grpc', operation: 'publish', topic: 'storm', instanceId: '' });
      }
      await stream.until(() => stream.changes.length > changes);
      const burst = stream.changes[changes];
      expect([burst.events.length, burst.more]).toEqual([20, 980]);
      expect(burst.events[0]).toMatchObject({ kind: 'faultInjected', front: 'grpc' });
    } finally {
      emulator.faults.clear();
      stream.close();
    }
  });

  it('shows in a message’s life the faults that touched its publish, deliveries and acks', async () => {
    const topic = 'faulted-life';
    const group = 'GID_faulted';
    const publishRule = emulator.faults.add({
      match: { operation: 'publish', topic },
      count: 1,
      action: { kind: 'reset', when: 'after' },
    });
    await expect(client.publish(topic, { body: 'stored, answer lost' })).rejects.toBeInstanceOf(
      MQNetworkError,
    );
    const [stored] = emulator.admin.peek({ topic });
    const messageId = stored!.messageId;

    const consumeRule = emulator.faults.add({
      match: { operation: 'consume', topic },
      count: 1,
      action: { kind: 'reset', when: 'after' },
    });
    await expect(client.consume(topic, group)).rejects.toBeInstanceOf(MQNetworkError);
    emulator.admin.advance(60_000);
    const [again] = await client.consume(topic, group);
    expect(again?.consumedTimes).toBe(2);

    const ackRule = emulator.faults.add({
      match: { operation: 'ack', topic },
      count: 1,
      action: { kind: 'error', code: 'InternalError', status: 503 },
    });
    await expect(client.ack(topic, group, [again!.receiptHandle])).rejects.toMatchObject({
      code: 'InternalError',
    });
    await client.ack(topic, group, [again!.receiptHandle]);
    // Acked again under a delay: the server refuses the spent handle on its own, not shown.
    emulator.faults.add({
      match: { operation: 'ack', topic },
      count: 1,
      action: { kind: 'delay', ms: 1 },
    });
    const spent = await client.ack(topic, group, [again!.receiptHandle]);
    expect(spent.failed).toHaveLength(1);

    const life: any = await (
      await fetch(`${emulator.endpoint}/_emulator/messages/${messageId}`)
    ).json();
    expect(life.timeline.map((e: any) => [e.kind, e.fault?.ruleId, e.attempt])).toEqual([
      ['published', undefined, undefined],
      ['faultInjected', publishRule, undefined],
      ['delivered', undefined, 1],
      ['faultInjected', consumeRule, 1],
      ['expired', undefined, 1],
      ['delivered', undefined, 2],
      ['faultInjected', ackRule, 2],
      ['acked', undefined, undefined],
    ]);
    expect(life.timeline[1].fault).toEqual({
      ruleId: publishRule,
      front: 'http',
      operation: 'publish',
      action: { kind: 'reset', when: 'after' },
      acted: true,
    });
    expect(life.timeline[3]).toMatchObject({
      group,
      receiptHandle: life.timeline[2].receiptHandle,
      fault: { operation: 'consume', acted: true },
    });
    expect(life.timeline[6]).toMatchObject({
      group,
      receiptHandle: again!.receiptHandle,
      fault: {
        operation: 'ack',
        action: { kind: 'error', code: 'InternalError', status: 503 },
        acted: false,
      },
    });
    // A fault on another message's request is not shown here.
    const other = await client.publish(topic, { body: 'untouched' });
    const otherLife: any = await (
      await fetch(`${emulator.endpoint}/_emulator/messages/${other.messageId}`)
    ).json();
    expect(otherLife.timeline.map((e: any) => e.kind)).toEqual(['published']);
  });
});
