import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Injectable,
  Module,
  SetMetadata,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { MQConsumer, MQPayload, getMQContext, isMQContext } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';

const Role = (role: string) => SetMetadata('role', role);

/** A user-made parameter decorator (createParamDecorator) works on MQ handlers too. */
const Topic = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => getMQContext(ctx)?.topic,
);

/** A global HTTP auth guard that lets MQ handlers through, as the README recommends. */
@Injectable()
class GlobalAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly recorder: Recorder,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (isMQContext(context)) {
      this.recorder.add('guard', {
        type: context.getType(),
        role: this.reflector.get<string>('role', context.getHandler()),
        className: context.getClass().name,
        messageId: getMQContext(context)?.messageId,
      });
      return true;
    }
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    return request.headers.authorization === 'Bearer ok';
  }
}

@Injectable()
class BillingConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('ec-billing', 'GID_ec')
  @Role('billing')
  handle(@MQPayload('amount') amount: number, @Topic() topic: string) {
    this.recorder.add('handler', { amount, topic });
  }
}

@Module({
  providers: [Recorder, BillingConsumer, { provide: APP_GUARD, useClass: GlobalAuthGuard }],
})
class BillingModule {}

describe('execution context', () => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [BillingModule] }, { configure: quiet });
  });
  afterAll(() => mq.close());

  it('global guards see the MQ context type, handler metadata and the MQContext', async () => {
    const { messageId } = await mq.producer.publish('ec-billing', { amount: 42 });
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    const recorder = mq.moduleRef.get(Recorder);
    expect(recorder.of('guard')).toEqual([
      { type: 'aliyun-mq', role: 'billing', className: 'BillingConsumer', messageId },
    ]);
    expect(recorder.of('handler')).toEqual([{ amount: 42, topic: 'ec-billing' }]);
  });
});
