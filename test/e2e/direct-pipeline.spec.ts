/**
 * A handler whose Nest pipeline is empty (no guard, interceptor, pipe or filter anywhere) is called
 * without Nest's machinery (lib/nest/dispatcher/pipeline.direct.ts). Every behaviour below is run
 * twice: by a plain handler, and by the same handler behind a guard that lets everything through
 * (so Nest's pipeline runs it). Both must see the same arguments and end with the same outcome;
 * the call stacks show which path ran, so that the comparison cannot pass vacuously.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createParamDecorator,
  Injectable,
  Module,
  ParseIntPipe,
  UseGuards,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { EMPTY, of, throwError } from 'rxjs';
import type { MQContext, MQEvent } from '../../lib/index.js';
import { MQConsumer, MQCtx, MQMessage, MQPayload } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { quiet } from './fixtures/quiet.js';

const GROUP = 'GID_direct';

@Injectable()
class AllowGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

/** A custom parameter decorator: the message's tag, read from the MQ execution context. */
const Tag = createParamDecorator(
  (_data: unknown, host: ExecutionContext) => host.getArgByIndex<MQContext>(2).tag,
);

interface Seen {
  args: unknown[];
  /** Nest's pipeline frames were on the stack when the handler was called. */
  viaNest: boolean;
}

@Injectable()
class Seen$ {
  readonly calls = new Map<string, Seen>();

  record(name: string, args: unknown[]): void {
    const stack = new Error().stack ?? '';
    this.calls.set(name, { args, viaNest: stack.includes('external-context-creator') });
  }
}

/** What each handler does; each runs plain (`<name>`) and behind AllowGuard (`<name>-nest`). */
const BEHAVIOURS: Record<string, (...args: unknown[]) => unknown> = {
  resolves: async () => 'done',
  returns: () => 42,
  throws: () => {
    throw new Error('sync failure');
  },
  rejects: async () => {
    throw new Error('async failure');
  },
  observable: () => of(1, 2),
  'observable-error': () => throwError(() => new Error('observable failure')),
  'observable-empty': () => EMPTY,
  undecorated: () => undefined,
  params: () => undefined,
};

class DirectConsumers {
  constructor(readonly seen: Seen$) {}
}

/** Adds `name` (plain) and `name-nest` (guarded) handlers of one behaviour to DirectConsumers. */
function addHandlers(name: string, behaviour: (...args: unknown[]) => unknown): void {
  for (const guarded of [false, true]) {
    const key = guarded ? `${name}-nest` : name;
    const method = function (this: DirectConsumers, ...args: unknown[]): unknown {
      this.seen.record(key, args);
      return behaviour(...args);
    };
    Object.defineProperty(method, 'name', { value: key.replace(/-/g, '_') });
    const proto = DirectConsumers.prototype as unknown as Record<string, unknown>;
    proto[key] = method;
    const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
    if (name === 'params') {
      MQPayload('n')(proto, key, 0);
      MQMessage()(proto, key, 1);
      MQCtx()(proto, key, 2);
      Tag()(proto, key, 3);
    }
    if (guarded) UseGuards(AllowGuard)(proto, key, descriptor);
    MQConsumer(`dp-${key}`, GROUP)(proto, key, descriptor);
  }
}
for (const [name, behaviour] of Object.entries(BEHAVIOURS)) addHandlers(name, behaviour);

/** A parameter pipe is part of the pipeline too: this one runs through Nest. */
@Injectable()
class PipedConsumer {
  constructor(private readonly seen: Seen$) {}

  @MQConsumer('dp-param-pipe', GROUP)
  handle(@MQPayload('n', ParseIntPipe) n: number) {
    this.seen.record('param-pipe', [n]);
  }
}

Injectable()(DirectConsumers);
Reflect.defineMetadata('design:paramtypes', [Seen$], DirectConsumers);

@Module({ providers: [Seen$, AllowGuard, DirectConsumers, PipedConsumer] })
class DirectModule {}

/** The final event of the message published on `topic`, reduced to what must match. */
async function outcome(mq: MQTestingHarness, topic: string, body: object) {
  const { messageId } = await mq.producer.publish(topic, body, { tag: 'blue' });
  const event: MQEvent = await Promise.race([
    mq.waitFor('message.acked', (e) => e.messageId === messageId),
    mq.waitFor('message.failed', (e) => e.messageId === messageId),
  ]);
  const error = event.type === 'message.failed' ? (event.error as Error) : undefined;
  return { type: event.type, error: error && `${error.name}: ${error.message}` };
}

describe('an empty Nest pipeline runs directly, with the outcomes and arguments of the full one', () => {
  let mq: MQTestingHarness;
  let seen: Seen$;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [DirectModule] }, { configure: quiet });
    seen = mq.moduleRef.get(Seen$);
  });
  afterAll(() => mq.close());

  it.each(Object.keys(BEHAVIOURS))('%s', async (name) => {
    const body = { n: 7 };
    const direct = await outcome(mq, `dp-${name}`, body);
    const nest = await outcome(mq, `dp-${name}-nest`, body);
    expect(direct).toEqual(nest);
    const plain = seen.calls.get(name)!;
    const guarded = seen.calls.get(`${name}-nest`)!;
    expect(plain.viaNest).toBe(false);
    expect(guarded.viaNest).toBe(true);
    // Same arguments, message and context aside (their ids differ between the two messages).
    const shape = (args: unknown[]) =>
      args.map((a) =>
        a !== null && typeof a === 'object' && 'receiptHandle' in a
          ? 'message'
          : a !== null && typeof a === 'object' && 'attempt' in a
            ? `ctx of ${(a as MQContext).topic}`.replace('-nest', '')
            : a,
      );
    expect(shape(plain.args)).toEqual(shape(guarded.args));
  });

  it('the outcomes are the expected ones', async () => {
    const expected: Record<string, string> = {
      resolves: 'message.acked',
      returns: 'message.acked',
      throws: 'message.failed',
      rejects: 'message.failed',
      observable: 'message.acked',
      'observable-error': 'message.failed',
      undecorated: 'message.acked',
      params: 'message.acked',
    };
    for (const [name, type] of Object.entries(expected)) {
      expect((await outcome(mq, `dp-${name}`, { n: 1 })).type).toBe(type);
    }
    expect(seen.calls.get('params')!.args.slice(0, 1)).toEqual([1]);
    expect(seen.calls.get('params')!.args[3]).toBe('blue');
    expect(seen.calls.get('undecorated')!.args[0]).toEqual({ n: 1 });
  });

  it('a parameter pipe keeps Nest pipeline', async () => {
    expect((await outcome(mq, 'dp-param-pipe', { n: '12' })).type).toBe('message.acked');
    expect(seen.calls.get('param-pipe')).toEqual({ args: [12], viaNest: true });
  });
});

/** A global interceptor (registered with APP_INTERCEPTOR) is part of every pipeline. */
@Injectable()
class CountingInterceptor implements NestInterceptor {
  static seen: string[] = [];
  intercept(context: ExecutionContext, next: CallHandler) {
    CountingInterceptor.seen.push(context.getArgByIndex<MQContext>(2).topic);
    return next.handle();
  }
}

@Injectable()
class PlainConsumer {
  @MQConsumer('dp-global', GROUP)
  handle() {
    return undefined;
  }
}

describe('a global enhancer keeps Nest pipeline for a plain handler', () => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule(
      {
        providers: [PlainConsumer, { provide: APP_INTERCEPTOR, useClass: CountingInterceptor }],
      },
      { configure: quiet },
    );
  });
  afterAll(() => mq.close());

  it('the global interceptor runs', async () => {
    expect((await outcome(mq, 'dp-global', { n: 1 })).type).toBe('message.acked');
    expect(CountingInterceptor.seen).toEqual(['dp-global']);
  });
});
