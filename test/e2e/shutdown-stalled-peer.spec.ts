/**
 * app.close() is bounded even when the peer stalls: it answers every request with headers and then
 * a byte now and then, forever. Long polls whose answer has started, acks and a publish in flight
 * all end by the drain deadline (+ the ack grace) or their own deadline; nothing waits for the
 * 35 s long-poll deadline. No timing assertion: close() must simply return (a guard far above the
 * expected second or two reports a hang instead of the test timing out).
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MQConsumer,
  MQConsumerRegistry,
  MQModule,
  MQProducer,
  MQTimeoutError,
} from '../../lib/index.js';
import { silentLogger } from './fixtures/quiet.js';

const GUARD_MS = 15_000;

@Injectable()
class Consumers {
  @MQConsumer('stalled', 'GID_stalled', { name: 'stalled' })
  handle(): void {}

  @MQConsumer('stalled-orderly', 'GID_stalled', { name: 'stalled-orderly', orderly: true })
  handleOrderly(): void {}
}

@Module({ providers: [Consumers] })
class ConsumersModule {}

describe('app.close() against a stalled peer', () => {
  let server: Server;
  let endpoint: string;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/xml;charset=utf-8' });
        res.write('<');
        const timer = setInterval(() => res.write(' '), 50);
        res.once('close', () => clearInterval(timer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('returns within the drain deadline plus a small constant', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MQModule.forRoot({
          endpoint,
          accessKeyId: 'id',
          accessKeySecret: 'secret',
          shutdown: { drainTimeoutMs: 300 },
          client: { requestTimeoutMs: 1_000 },
          publishRetry: false,
          logger: false,
        }),
        ConsumersModule,
      ],
    })
      .setLogger(silentLogger)
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const registry = app.get(MQConsumerRegistry);
    // The consumers' long polls are out, their answers trickling.
    while (requests < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(registry.list().map((c) => c.status)).toEqual(['running', 'running']);
    const publishing = app
      .get(MQProducer)
      .publish('stalled', 'in flight at shutdown')
      .catch((error: unknown) => error);

    let guard: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      app.close().then(() => 'closed'),
      new Promise<string>((resolve) => {
        guard = setTimeout(resolve, GUARD_MS, 'still closing');
      }),
    ]);
    clearTimeout(guard);
    expect(outcome).toBe('closed');
    expect(registry.list().map((c) => c.status)).toEqual(['stopped', 'stopped']);
    // The publish in flight ended at its own deadline, with the truth: it timed out.
    expect(await publishing).toBeInstanceOf(MQTimeoutError);
  }, 30_000);
});
