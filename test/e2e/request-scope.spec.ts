import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { MQConsumer, type MQContext, type MQRequest } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { TRANSPORTS } from './fixtures/transports.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';

/** Request-scoped: one per message, with the message as its REQUEST. */
@Injectable({ scope: Scope.REQUEST })
class MessageScope {
  constructor(@Inject(REQUEST) readonly request: MQRequest) {}
}

/** Depends on a request-scoped provider, so its own tree is request-scoped too. */
@Injectable()
class ScopedConsumer {
  constructor(
    private readonly scope: MessageScope,
    private readonly recorder: Recorder,
  ) {}

  @MQConsumer('rs-work', 'GID_rs', { concurrency: 2 })
  handle(payload: { n: number }, _message: unknown, ctx: MQContext) {
    this.recorder.add('scoped', {
      n: payload.n,
      self: this,
      scope: this.scope,
      sameMessage: this.scope.request.message.messageId === ctx.messageId,
    });
  }
}

/** Transient: Nest never constructs its static instance; the consumer resolves a real one. */
@Injectable({ scope: Scope.TRANSIENT })
class TransientConsumer {
  private readonly constructedWith: Recorder;

  constructor(recorder: Recorder) {
    this.constructedWith = recorder;
  }

  @MQConsumer('rs-transient', 'GID_rs')
  handle(payload: unknown) {
    this.constructedWith.add('transient', { payload, self: this });
  }
}

@Module({ providers: [Recorder, MessageScope, ScopedConsumer, TransientConsumer] })
class ScopedModule {}

describe.each(TRANSPORTS)('request-scoped consumers on %s', (transport) => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [ScopedModule] }, { configure: quiet, transport });
  });
  afterAll(() => mq.close());

  it('get a fresh instance tree per message, with the MQRequest as REQUEST', async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 3; n++) ids.push((await mq.producer.publish('rs-work', { n })).messageId);
    await mq.waitForMany('message.acked', 3, (e) => ids.includes(e.messageId));
    const calls = mq.moduleRef.get(Recorder).of('scoped') as {
      n: number;
      self: object;
      scope: object;
      sameMessage: boolean;
    }[];
    expect(calls.map((c) => c.n).sort()).toEqual([1, 2, 3]);
    expect(new Set(calls.map((c) => c.self)).size).toBe(3);
    expect(new Set(calls.map((c) => c.scope)).size).toBe(3);
    expect(calls.every((c) => c.sameMessage)).toBe(true);
  });
});

describe('transient consumers', () => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [ScopedModule] }, { configure: quiet });
  });
  afterAll(() => mq.close());

  it('run on one constructed instance', async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 2; n++)
      ids.push((await mq.producer.publish('rs-transient', { n })).messageId);
    await mq.waitForMany('message.acked', 2, (e) => ids.includes(e.messageId));
    const calls = mq.moduleRef.get(Recorder).of('transient') as {
      payload: unknown;
      self: object;
    }[];
    expect(calls.map((c) => c.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(calls[0]!.self).toBeInstanceOf(TransientConsumer);
    expect(calls[0]!.self).toBe(calls[1]!.self);
  });
});

/** A request-scoped dependency built from the message; it refuses some messages. */
@Injectable()
class TenantConsumer {
  constructor(
    @Inject('TENANT') private readonly tenant: string,
    private readonly recorder: Recorder,
  ) {}

  @MQConsumer('rs-tenant', 'GID_rs')
  handle() {
    this.recorder.add('tenant', this.tenant);
  }
}

@Module({
  providers: [
    Recorder,
    TenantConsumer,
    {
      provide: 'TENANT',
      scope: Scope.REQUEST,
      inject: [REQUEST],
      useFactory: (request: MQRequest) => {
        const body = JSON.parse(request.message.body) as { tenant?: string };
        if (body.tenant === undefined) throw new Error('message has no tenant');
        return body.tenant;
      },
    },
  ],
})
class TenantModule {}

describe.each(TRANSPORTS)(
  'request-scoped dependencies built from the message on %s',
  (transport) => {
    let mq: MQTestingHarness;
    beforeAll(async () => {
      mq = await createMQTestingModule(
        { imports: [TenantModule] },
        { configure: quiet, transport },
      );
    });
    afterAll(() => mq.close());

    it('are built per message; a failure to build them is a failed delivery (no ack)', async () => {
      const good = await mq.producer.publish('rs-tenant', { tenant: 'acme' });
      const bad = await mq.producer.publish('rs-tenant', { other: 1 });
      await mq.waitFor('message.acked', (e) => e.messageId === good.messageId);
      const failed = await mq.waitFor('message.failed', (e) => e.messageId === bad.messageId);
      expect((failed.error as Error).message).toBe('message has no tenant');
      expect(mq.moduleRef.get(Recorder).of('tenant')).toEqual(['acme']);
    });
  },
);
