/**
 * Long polls at scale: 1,000 idle polls parked over real HTTP connections must cost no timer each
 * (the broker's waits are event-driven with one shared deadline timer), a publish wakes exactly one,
 * and a disconnecting client ends its poll without swallowing a message.
 *
 * Set EMULATOR_CPU_REPORT=1 to also print the CPU used over ~1 s with the 1,000 polls parked (a
 * figure for the report, not an assertion; it is the only real-time wait in this file).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHook } from 'node:async_hooks';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import { ResponseReader, sendRaw } from './raw-http.helper.js';
import type { RawResponse } from './raw-http.helper.js';

const POLLS = 1_000;
const PUBLISH_BODY = '<Message><MessageBody>wake one</MessageBody></Message>';

describe('emulator long polls at scale', () => {
  let emulator: RunningEmulator;
  let port: number;

  beforeAll(async () => {
    // Auth off: these tests are about parking, not signing.
    emulator = await startEmulator({ auth: 'off' });
    port = Number(new URL(emulator.endpoint).port);
  });
  afterAll(() => emulator.stop());

  const parkedPolls = async (): Promise<number> => {
    const res = await fetch(`${emulator.endpoint}/_emulator/health`);
    return ((await res.json()) as { longPolls: number }).longPolls;
  };
  const untilParked = async (expected: number): Promise<void> => {
    for (let i = 0; i < 10_000; i++) {
      if ((await parkedPolls()) === expected) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`parked polls never reached ${expected} (now ${await parkedPolls()})`);
  };
  const openPoll = (topic: string): Promise<{ socket: Socket; reader: ResponseReader }> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `GET /topics/${topic}/messages?consumer=GID_${topic}&numOfMessages=1&waitseconds=30 HTTP/1.1\r\nHost: x\r\n\r\n`,
        );
        resolve({ socket, reader });
      });
      const reader = new ResponseReader(socket);
      socket.once('error', reject);
    });
  const publish = (topic: string): Promise<RawResponse> =>
    sendRaw(
      emulator.endpoint,
      `POST /topics/${topic}/messages HTTP/1.1\r\nHost: x\r\nContent-Length: ${PUBLISH_BODY.length}\r\n\r\n${PUBLISH_BODY}`,
    );

  it(`parks ${POLLS} polls without a timer each; a publish wakes exactly one`, async () => {
    const activeTimeouts = (): number =>
      process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timeoutsBefore = activeTimeouts();
    // Counts every Timeout object created, ref'd or not (getActiveResourcesInfo omits unref'd ones).
    let timeoutsCreated = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'Timeout') timeoutsCreated++;
      },
    });
    hook.enable();
    let polls: { socket: Socket; reader: ResponseReader }[] = [];
    try {
      polls = await Promise.all(Array.from({ length: POLLS }, () => openPoll('scale')));
      await untilParked(POLLS);
    } finally {
      hook.disable();
    }
    try {
      expect(timeoutsCreated).toBeLessThan(10);
      expect(activeTimeouts() - timeoutsBefore).toBeLessThan(10);

      if (process.env.EMULATOR_CPU_REPORT === '1') {
        // Two windows: the first still pays for setting up 1,000 connections (GC), the second is idle.
        for (const window of ['first', 'second']) {
          const before = process.cpuUsage();
          const started = performance.now();
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          const used = process.cpuUsage(before);
          const wall = performance.now() - started;
          const ms = (used.user + used.system) / 1000;
          process.stdout.write(
            `[cpu] ${POLLS} parked polls, ${window} ${wall.toFixed(0)} ms window: ${ms.toFixed(1)} ms CPU ` +
              `(user ${(used.user / 1000).toFixed(1)}, system ${(used.system / 1000).toFixed(1)}; ${((ms / wall) * 100).toFixed(2)}% of one core)\n`,
          );
        }
      }

      const woken = new Promise<RawResponse>((resolve) => {
        for (const poll of polls) void poll.reader.next().then(resolve, () => undefined);
      });
      expect((await publish('scale')).status).toBe(201);
      const response = await woken;
      expect(response.status).toBe(200);
      expect(response.body).toContain('<MessageBody>wake one</MessageBody>');
      // The publish woke one waiter; the other polls stay parked.
      expect(await parkedPolls()).toBe(POLLS - 1);
    } finally {
      for (const poll of polls) poll.socket.destroy();
    }
    // Disconnects abort the waits: nothing stays parked.
    await untilParked(0);
  });

  it('ends a poll whose client disconnects without swallowing the next message', async () => {
    const poll = await openPoll('gone');
    await untilParked(1);
    poll.socket.destroy();
    await untilParked(0);
    expect((await publish('gone')).status).toBe(201);
    const res = await sendRaw(
      emulator.endpoint,
      'GET /topics/gone/messages?consumer=GID_gone&numOfMessages=16 HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(res.status).toBe(200);
    expect(res.body).toContain('<ConsumedTimes>1</ConsumedTimes>');
  });

  it('logs a poll its client abandoned as such, not as a 200 it never sent', async () => {
    const lines: string[] = [];
    const logged = await startEmulator({ auth: 'off', logger: (line) => lines.push(line) });
    try {
      const socket = connect(Number(new URL(logged.endpoint).port), '127.0.0.1');
      socket.write(
        'GET /topics/gone/messages?consumer=GID_gone&numOfMessages=1&waitseconds=30 HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      const health = async () =>
        (
          (await (await fetch(`${logged.endpoint}/_emulator/health`)).json()) as {
            longPolls: number;
          }
        ).longPolls;
      for (let i = 0; i < 10_000 && (await health()) !== 1; i++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      socket.destroy();
      const gone =
        /^\[info\] GET \/topics\/gone\/messages\?\S+ closed by the client, no answer [\d.]+ms id=/;
      for (let i = 0; i < 10_000 && !lines.some((l) => gone.test(l)); i++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(lines.filter((l) => l.includes('/topics/gone/'))).toEqual([
        expect.stringMatching(gone),
      ]);
    } finally {
      await logged.stop();
    }
  });

  it('answers parked polls with 404 MessageNotExist when the emulator stops', async () => {
    const other = await startEmulator({ auth: 'off' });
    const otherPort = Number(new URL(other.endpoint).port);
    const socket = connect(otherPort, '127.0.0.1');
    const reader = new ResponseReader(socket);
    socket.write(
      'GET /topics/stop/messages?consumer=GID_stop&numOfMessages=1&waitseconds=30 HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    for (let i = 0; i < 10_000; i++) {
      const health = (await (await fetch(`${other.endpoint}/_emulator/health`)).json()) as {
        longPolls: number;
      };
      if (health.longPolls === 1) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await other.stop();
    const res = await reader.next();
    expect(res.status).toBe(404);
    expect(res.body).toContain('<Code>MessageNotExist</Code>');
    // stop() closes the keep-alive connection too.
    await new Promise<void>((resolve) =>
      socket.destroyed ? resolve() : socket.once('close', () => resolve()),
    );
  });
});
