/**
 * Strict mode: declarations without `instanceId` belong to the instance the emulator advertises
 * (the one `startEmulator` returns and clients are given); `''` names the namespace-less instance.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MQClient, MQServiceError } from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';

describe('emulator declarations and instances', () => {
  let emulator: RunningEmulator;
  let withNs: MQClient;
  let withoutNs: MQClient;

  beforeAll(async () => {
    emulator = await startEmulator({
      autoCreate: false,
      topics: [{ name: 'advertised' }, { name: 'no-namespace', instanceId: '' }],
      groups: [{ id: 'GID_advertised' }, { id: 'GID_no_namespace', instanceId: '' }],
    });
    withNs = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
    });
    withoutNs = new MQClient(emulator.endpoint, emulator.credentials);
  });

  afterAll(async () => {
    await withNs.close();
    await withoutNs.close();
    await emulator.stop();
  });

  it('puts a declaration without instanceId into the advertised instance', async () => {
    await withNs.publish('advertised', { body: 'hello' });
    const [message] = await withNs.consume('advertised', 'GID_advertised');
    expect(message?.body).toBe('hello');
    await expect(withoutNs.publish('advertised', { body: 'x' })).rejects.toMatchObject({
      code: 'TopicNotExist',
    });
  });

  it("puts a declaration with instanceId '' into the namespace-less instance", async () => {
    await withoutNs.publish('no-namespace', { body: 'plain' });
    const [message] = await withoutNs.consume('no-namespace', 'GID_no_namespace');
    expect(message?.body).toBe('plain');
    const error = await withNs.publish('no-namespace', { body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MQServiceError);
    expect((error as MQServiceError).code).toBe('TopicNotExist');
  });
});
