/**
 * No stranded messages on shutdown: an app is closed while messages keep arriving (a publisher
 * runs on). Every message the broker handed to the app must have been handled and acked by the
 * time close() returned: the group has nothing in flight afterwards (the virtual clock keeps the
 * invisibility window from hiding a stranded message). Repeated, since the moment of the stop
 * falls differently each time.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MQClient } from '../../lib/client/index.js';
import type { RunningEmulator } from '../../lib/emulator/index.js';
import { MQConsumer, MQConsumerRegistry, MQModule } from '../../lib/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { connectionTo, virtualEmulator } from './fixtures/harness.js';
import { silentLogger } from './fixtures/quiet.js';

const RUNS = 3;
const TOPIC = 'stranded';
const GROUP = 'GID_stranded';

@Injectable()
class Busy {
  handled = 0;

  @MQConsumer(TOPIC, GROUP, { name: 'busy', concurrency: 32 })
  async handle(): Promise<void> {
    // A little async work per message, so that polls and handlers overlap at the stop.
    await new Promise((resolve) => setImmediate(resolve));
    this.handled++;
  }
}

@Module({ providers: [Busy] })
class BusyModule {}

describe('shutdown under load strands nothing', () => {
  let emulator: RunningEmulator;
  let publisher: MQClient;

  beforeAll(async () => {
    emulator = await virtualEmulator();
    publisher = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
    });
  });
  afterAll(async () => {
    await publisher.close();
    await emulator.stop();
  });

  it(`close() while messages keep coming: nothing left in flight (${RUNS} runs)`, async () => {
    let published = 0;
    let handled = 0;
    for (let run = 0; run < RUNS; run++) {
      const moduleRef = await Test.createTestingModule({
        imports: [MQModule.forRoot({ ...connectionTo(emulator), logger: false }), BusyModule],
      })
        .setLogger(silentLogger)
        .compile();
      const app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      const busy = app.get(Busy);
      let publishing = true;
      const load = (async () => {
        while (publishing) {
          await Promise.all(
            Array.from({ length: 8 }, () => publisher.publish(TOPIC, { body: `m${published++}` })),
          );
        }
      })();
      // Stop in the middle of the flow: after a hundred and more handled messages.
      while (busy.handled < 150) await new Promise((resolve) => setTimeout(resolve, 5));
      await app.close();
      expect(app.get(MQConsumerRegistry).get('busy')!.status).toBe('stopped');
      handled += busy.handled;
      publishing = false;
      await load;
      expect(groupState(emulator, TOPIC, GROUP).inflight).toBe(0);
    }
    // Everything published was handled once, or is still waiting for the next app.
    expect(handled + groupState(emulator, TOPIC, GROUP).ready).toBe(published);
  }, 60_000);
});
