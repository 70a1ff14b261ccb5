/**
 * A poll whose answer is still arriving at the drain deadline (a server answering very slowly):
 * the stop does not wait for it past the deadline, and the batch it finally brings is not handled
 * but counted (`runner.stranded`) and logged with its message ids. A scripted server controls the
 * moment the answer completes, so the order of events is exact.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { MQClient } from '../../../lib/client/index.js';
import { ConsumerRunner } from '../../../lib/nest/consumer/index.js';
import { bodyMd5, buildConsumeResponse } from '../../../lib/protocol/index.js';
import { HttpMQTransport } from '../../../lib/transport/http/http-mq.transport.js';
import { ScriptedServer, XML_HEADERS } from '../client/scripted-server.js';
import { Conditions, EventLog, RecordingLogger, consumerOptions } from './consumer.harness.js';

describe('ConsumerRunner — a batch arriving after the drain deadline', () => {
  let server: ScriptedServer | undefined;
  let client: MQClient | undefined;

  afterEach(async () => {
    await client?.close();
    await server?.stop();
  });

  it('is not handled: counted as stranded and logged with its ids', async () => {
    server = await ScriptedServer.start();
    let answer: ServerResponse | undefined;
    server.next((_req, res) => {
      // The headers now (the answer has started), the messages later.
      res.writeHead(200, { ...XML_HEADERS, 'x-mq-request-id': 'SLOW' });
      res.write('<?xml version="1.0" encoding="UTF-8"?>');
      answer = res;
    });
    client = new MQClient(server.endpoint, { accessKeyId: 'id', accessKeySecret: 'secret' });
    const conditions = new Conditions();
    const events = new EventLog(conditions);
    const logger = new RecordingLogger();
    const handled: string[] = [];
    const runner = new ConsumerRunner(
      consumerOptions({ topic: 'T', group: 'GID', concurrency: 1 }),
      {
        transport: new HttpMQTransport(client),
        events,
        logger,
        dispatch: async (message) => {
          handled.push(message.messageId);
          return { outcome: 'ack' };
        },
      },
    );
    // undici announces the response headers just before the client's handler takes them.
    const headersSeen = new Promise<void>((resolve) => {
      const onHeaders = (): void => {
        unsubscribe('undici:request:headers', onHeaders);
        setImmediate(resolve);
      };
      subscribe('undici:request:headers', onHeaders);
    });
    runner.start();
    await headersSeen;
    await runner.stop(100);
    expect(runner.status).toBe('stopped');

    const body = buildConsumeResponse([
      {
        messageId: 'LATE-1',
        receiptHandle: 'H1',
        bodyMd5: bodyMd5('late'),
        body: 'late',
        publishTime: 1,
        firstConsumeTime: 2,
        nextConsumeTime: Date.now() + 300_000,
        consumedTimes: 1,
      },
    ]);
    answer!.end(body.slice(body.indexOf('<Messages')));
    await conditions.eventually(() => runner.stranded === 1, 'the late batch counted');
    expect(handled).toEqual([]);
    expect(events.count('message.received')).toBe(0);
    expect(runner.inFlight).toBe(0);
    const warning = logger.at('warn').find((l) => l.includes('LATE-1'))!;
    expect(warning).toContain('arrived after the drain deadline');
    // Nothing was acked for it: the broker delivers it again after its invisibility window.
    expect(server.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });
});
