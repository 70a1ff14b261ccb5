/**
 * Conformance: the official RocketMQ 5 PushConsumer (unchanged) against the gRPC front. It runs in a
 * child process (fixtures/push-consumer.child.mjs) with HOME in a temporary directory, because its
 * consume services always log to files under $HOME and keep timers alive.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmq5Harness, type Rmq5Harness } from './official-client.fixture.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'push-consumer.child.mjs');

interface ChildEvent {
  event: 'started' | 'message' | 'stopped' | 'error';
  body?: string;
  attempt?: number;
  messageGroup?: string;
  result?: 'SUCCESS' | 'FAILURE';
  clientId?: string;
  text?: string;
}

class PushConsumerProcess {
  readonly events: ChildEvent[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;
  private stderr = '';

  constructor(
    h: Rmq5Harness,
    home: string,
    config: { group: string; topic: string; fail?: Record<string, number>; hang?: string[] },
  ) {
    const o = h.clientOptions();
    this.child = spawn(
      process.execPath,
      [
        CHILD,
        JSON.stringify({
          endpoints: o.endpoints,
          namespace: o.namespace,
          accessKey: o.sessionCredentials.accessKey,
          accessSecret: o.sessionCredentials.accessSecret,
          ...config,
        }),
      ],
      { env: { ...process.env, HOME: home }, stdio: 'pipe' },
    );
    let buffered = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        this.events.push(JSON.parse(buffered.slice(0, nl)) as ChildEvent);
        buffered = buffered.slice(nl + 1);
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  messages(): ChildEvent[] {
    return this.events.filter((e) => e.event === 'message');
  }

  /** Waits (real time, bounded) for a condition on the events; `tick` runs between checks. */
  async until(condition: () => boolean, what: string, tick?: () => void): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}; events: ${JSON.stringify(this.events)}; stderr: ${this.stderr}`,
        );
      }
      tick?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<number | null> {
    this.child.stdin.write('stop\n');
    return this.exited;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

describe('conformance: rocketmq-client-nodejs 1.0.8 PushConsumer against the gRPC front', () => {
  let h: Rmq5Harness;
  let home: string;
  const children: PushConsumerProcess[] = [];
  const start = (
    config: ConstructorParameters<typeof PushConsumerProcess>[2],
  ): PushConsumerProcess => {
    const child = new PushConsumerProcess(h, home, config);
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'rmq5-push-home-'));
    // Long polls of 1 s keep the PushConsumer's shutdown (it waits for them) short.
    h = await rmq5Harness({
      groups: [{ id: 'GID_push_fifo', fifo: true }],
      timings: { maxWaitSeconds: 1, maxRetries: 1 },
    });
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await h.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('consumes, retries a failed message after its nack, acks everything and shuts down cleanly', async () => {
    const producer = await h.producer({ topic: 'push' });
    for (const body of ['p1', 'flaky', 'p3'])
      await producer.send({ topic: 'push', body: Buffer.from(body) });
    const consumer = start({ group: 'GID_push', topic: 'push', fail: { flaky: 1 } });
    await consumer.until(
      () => consumer.messages().filter((m) => m.result === 'SUCCESS').length === 3,
      'three successful consumptions',
      // The nack makes "flaky" visible again after the backoff, on the emulator's clock.
      () => h.emulator.admin.advance(1_000),
    );
    const flaky = consumer.messages().filter((m) => m.body === 'flaky');
    expect(flaky.map((m) => [m.attempt, m.result])).toEqual([
      [1, 'FAILURE'],
      [2, 'SUCCESS'],
    ]);
    await consumer.until(
      () => h.emulator.admin.groups().find((g) => g.group === 'GID_push')?.inflight === 0,
      'the acks',
    );
    expect(h.emulator.admin.groups().find((g) => g.group === 'GID_push')).toMatchObject({
      ready: 0,
      inflight: 0,
    });

    const clientId = consumer.events.find((e) => e.event === 'started')!.clientId!;
    expect(await consumer.stop()).toBe(0);
    expect(consumer.events.filter((e) => e.event === 'error')).toEqual([]);
    expect(
      h.lines.some(
        (l) => l.includes('gRPC NotifyClientTermination OK') && l.endsWith(`client=${clientId}`),
      ),
    ).toBe(true);
  }, 30_000);

  it('consumes a FIFO group in order; a message failing every attempt goes to the dead-letter queue', async () => {
    const producer = await h.producer({ topic: 'push_fifo' });
    for (const body of ['a1', 'b1', 'a2', 'a3', 'b2']) {
      await producer.send({ topic: 'push_fifo', body: Buffer.from(body), messageGroup: body[0] });
    }
    const consumer = start({ group: 'GID_push_fifo', topic: 'push_fifo', fail: { a2: 99 } });
    await consumer.until(
      () => consumer.messages().filter((m) => m.result === 'SUCCESS').length === 4,
      'four successful consumptions',
    );
    const seen = (group: string): string[] =>
      consumer
        .messages()
        .filter((m) => m.messageGroup === group)
        .map((m) => `${m.body}#${m.attempt}:${m.result}`);
    // maxRetries 1 → two attempts (the client retries FIFO messages itself), then the DLQ.
    expect(seen('a')).toEqual(['a1#1:SUCCESS', 'a2#1:FAILURE', 'a2#2:FAILURE', 'a3#1:SUCCESS']);
    expect(seen('b')).toEqual(['b1#1:SUCCESS', 'b2#1:SUCCESS']);
    await consumer.until(
      () =>
        h.emulator.admin.deadLetters({ topic: 'push_fifo', group: 'GID_push_fifo' }).length === 1,
      'the dead letter',
    );
    expect(
      h.emulator.admin.deadLetters({ topic: 'push_fifo', group: 'GID_push_fifo' })[0]!.body,
    ).toBe('a2');
    expect(await consumer.stop()).toBe(0);
  }, 30_000);

  it('gives back the messages a crashed consumer held (auto-renewed), one second later', async () => {
    const producer = await h.producer({ topic: 'push_crash' });
    await producer.send({ topic: 'push_crash', body: Buffer.from('stuck') });
    const crashing = start({ group: 'GID_push_crash', topic: 'push_crash', hang: ['stuck'] });
    await crashing.until(() => crashing.messages().length === 1, 'the delivery');
    // Held while the client lives, well past the 60 s a plain receive would use.
    h.emulator.admin.advance(10 * 60_000);
    expect(h.emulator.admin.groups().find((g) => g.group === 'GID_push_crash')).toMatchObject({
      inflight: 1,
    });
    await crashing.kill();
    const survivor = await h.consumer('GID_push_crash', { push_crash: '*' });
    await crashing.until(
      () =>
        h.emulator.admin.peek({
          topic: 'push_crash',
          group: 'GID_push_crash',
          state: 'inflight',
        })[0]?.nextConsumeTime ===
        h.emulator.admin.now() + 1_000,
      'the release of the held message',
    );
    h.emulator.admin.advance(1_000);
    const [again] = await survivor.receive(1, 30_000);
    expect(again!.body.toString()).toBe('stuck');
    expect(again!.deliveryAttempt).toBe(2);
    await survivor.ack(again!);
  }, 30_000);
});
