import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import type { RunningEmulator } from '../../lib/emulator/index.js';
import { MQConsumer, MQConsumerRegistry, MQModule, MQServiceError } from '../../lib/index.js';
import { boot, connectionTo, virtualEmulator } from './fixtures/harness.js';

const WRONG_SECRET = 'not-the-emulator-secret-123';

@Injectable()
class LockedOut {
  @MQConsumer('uh-topic', 'GID_uh', { name: 'locked-out' })
  handle() {}
}

describe('a consumer with bad credentials', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await virtualEmulator();
  });
  afterAll(() => emulator.stop());

  it('turns unhealthy, says why without the secret, and the app still shuts down', async () => {
    const { moduleRef, events } = await boot({
      imports: [MQModule.forRoot({ ...connectionTo(emulator), accessKeySecret: WRONG_SECRET })],
      providers: [LockedOut],
    });
    const unhealthy = await events.waitFor(
      'consumer.unhealthy',
      (e) => e.consumer === 'locked-out',
    );
    expect(unhealthy.error).toBeInstanceOf(MQServiceError);
    expect((unhealthy.error as MQServiceError).code).toBe('SignatureDoesNotMatch');
    expect(unhealthy.error.message).not.toContain(WRONG_SECRET);
    expect(moduleRef.get(MQConsumerRegistry).get('locked-out')!.status).toBe('unhealthy');
    await moduleRef.close();
    expect(moduleRef.get(MQConsumerRegistry).get('locked-out')!.status).toBe('stopped');
  });
});
