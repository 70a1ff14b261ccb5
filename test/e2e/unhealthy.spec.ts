import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { startEmulator, type RunningEmulator } from '../../lib/emulator/index.js';
import { MQConsumer, MQConsumerRegistry, MQModule, MQServiceError } from '../../lib/index.js';
import { boot, connectionTo } from './fixtures/harness.js';
import { TRANSPORTS } from './fixtures/transports.js';

const WRONG_SECRET = 'not-the-emulator-secret-123';

@Injectable()
class LockedOut {
  @MQConsumer('uh-topic', 'GID_uh', { name: 'locked-out' })
  handle() {}
}

describe.each(TRANSPORTS)('a consumer with bad credentials on %s', (transport) => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ clock: 'virtual', grpcPort: 0 });
  });
  afterAll(() => emulator.stop());

  it('turns unhealthy, says why without the secret, and the app still shuts down', async () => {
    const connection = {
      ...connectionTo(emulator),
      accessKeySecret: WRONG_SECRET,
      ...(transport === 'grpc' && { transport, endpoint: emulator.grpcEndpoint! }),
    };
    const { moduleRef, events } = await boot({
      imports: [MQModule.forRoot(connection)],
      providers: [LockedOut],
    });
    const unhealthy = await events.waitFor(
      'consumer.unhealthy',
      (e) => e.consumer === 'locked-out',
    );
    expect(unhealthy.error).toBeInstanceOf(MQServiceError);
    expect((unhealthy.error as MQServiceError).code).toBe(
      transport === 'grpc' ? 'UNAUTHORIZED' : 'SignatureDoesNotMatch',
    );
    expect(unhealthy.error.message).not.toContain(WRONG_SECRET);
    expect(moduleRef.get(MQConsumerRegistry).get('locked-out')!.status).toBe('unhealthy');
    await moduleRef.close();
    expect(moduleRef.get(MQConsumerRegistry).get('locked-out')!.status).toBe('stopped');
  });
});
