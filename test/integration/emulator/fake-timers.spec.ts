/**
 * An emulator embedded in a test suite that installs fake timers (Jest's modern timers fake the
 * global setImmediate, setTimeout and Date) still answers publishes and consumes: the HTTP front's
 * end-of-turn answers do not wait for the faked global.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { MQClient } from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';

describe('emulator under fake timers', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers publish and consume while the global timers are faked', async () => {
    const emulator = await startEmulator({ auth: 'off' });
    const client = new MQClient(emulator.endpoint, emulator.credentials);
    try {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'Date', 'performance'] });
      const published = await client.publish('faked', { body: 'still answered' });
      const [received] = await client.consume('faked', 'GID_faked', { numOfMessages: 1 });
      expect(received?.messageId).toBe(published.messageId);
    } finally {
      jest.useRealTimers();
      await client.close();
      await emulator.stop();
    }
  });
});
