import { ContextIdFactory, type ExternalContextCreator, type ModuleRef } from '@nestjs/core';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { MQBatchContext } from '../context/mq-batch.context.js';
import type { MQContext } from '../context/mq.context.js';
import type { MQBatchRequest, MQRequest } from '../context/mq-request.js';
import { MQ_CONTEXT_TYPE, MQ_PARAM_ARGS_METADATA, MQParamType } from '../mq.constants.js';
import { paramKey, type MQParamArgsMetadata } from '../decorators/mq-param.util.js';
import type { MQHandlerTarget } from '../interfaces/mq-handler-definition.interface.js';
import type { DispatchState, DispatchTracker } from './dispatch.tracker.js';
import type { MQParamsFactory } from './mq-params.factory.js';
import { DirectCall } from './pipeline.direct.js';
import { isEmptyPipeline } from './pipeline.probe.js';

/** `(payload, message, ctx)`; batch handlers: `(payloads, messages, batchCtx)`. */
type PipelineProxy = (payload: unknown, message: unknown, ctx: object) => Promise<unknown>;

export interface HandlerPipelineDeps {
  contextCreator: ExternalContextCreator;
  moduleRef: ModuleRef;
  paramsFactory: MQParamsFactory;
  tracker: DispatchTracker;
}

/** Guards, interceptors and filters all on; the context type lets enhancers recognize MQ. */
const CONTEXT_OPTIONS = { guards: true, interceptors: true, filters: true };

/**
 * One handler method behind Nest's pipeline. Static providers get one proxy built at bootstrap;
 * request-scoped ones get a fresh instance tree and proxy per message (contextId from an
 * `MQRequest`, so `@Inject(REQUEST)` works and durable strategies apply).
 */
export class HandlerPipeline {
  private readonly method: Function;
  private readonly tracked: (...args: unknown[]) => unknown;
  private readonly contextCreator: ExternalContextCreator;
  private staticCall: PreparedCall | undefined;
  private transientCall: Promise<PreparedCall> | undefined;

  constructor(
    private readonly target: MQHandlerTarget,
    private readonly deps: HandlerPipelineDeps,
  ) {
    const method = (target.hostClass.prototype as Record<string, Function>)[target.methodName]!;
    this.method = method;
    this.tracked = deps.tracker.track(method);
    this.contextCreator = deps.tracker.contextCreator(deps.contextCreator);
    ensureParamMetadata(target.hostClass, target.methodName);
    if (target.scope === 'static') {
      const instance = target.wrapper.instance as object;
      this.staticCall = this.createCall(instance);
    }
  }

  /**
   * The call for one message. Static handlers reuse one prepared call (no allocation per message);
   * request-scoped ones resolve their instance tree first (a failure there rejects before any part
   * of the pipeline ran).
   */
  prepare(message: MQReceivedMessage, ctx: MQContext): PreparedCall | Promise<PreparedCall> {
    if (this.staticCall !== undefined) return this.staticCall;
    if (this.target.scope === 'transient') return (this.transientCall ??= this.resolveTransient());
    const request: MQRequest = { message, context: ctx };
    return this.resolveScoped(request);
  }

  /** The call for one batch (`batch: true`): request-scoped handlers get one tree per batch. */
  prepareBatch(
    messages: readonly MQReceivedMessage[],
    ctx: MQBatchContext,
  ): PreparedCall | Promise<PreparedCall> {
    if (this.staticCall !== undefined) return this.staticCall;
    if (this.target.scope === 'transient') return (this.transientCall ??= this.resolveTransient());
    const request: MQBatchRequest = { messages, context: ctx };
    return this.resolveScoped(request);
  }

  /** A transient provider's static instance is never constructed: resolve one for this consumer. */
  private async resolveTransient(): Promise<PreparedCall> {
    try {
      const instance = await this.deps.moduleRef.resolve<object>(
        this.target.wrapper.token as never,
        undefined,
        { strict: false },
      );
      return this.createCall(instance);
    } catch (error) {
      this.transientCall = undefined; // try again with the next message
      throw error;
    }
  }

  private async resolveScoped(request: MQRequest | MQBatchRequest): Promise<PreparedCall> {
    const contextId = ContextIdFactory.getByRequest(request);
    this.deps.moduleRef.registerRequestByContextId(request, contextId);
    const instance = await this.deps.moduleRef.resolve<object>(
      this.target.wrapper.token as never,
      contextId,
      { strict: false },
    );
    return this.createCall(instance, contextId);
  }

  /**
   * Nest's pipeline for `instance`; when Nest found nothing to put in it (no guard, interceptor,
   * pipe or filter anywhere), the same call without its machinery (pipeline.direct.ts).
   */
  private createCall(
    instance: object,
    contextId?: Parameters<ExternalContextCreator['create']>[5],
  ): PreparedCall {
    const tracker = this.deps.tracker;
    const { result: proxy, probe } = tracker.probe(
      () =>
        this.contextCreator.create(
          instance,
          this.tracked,
          this.target.methodName,
          MQ_PARAM_ARGS_METADATA,
          this.deps.paramsFactory,
          contextId,
          contextId === undefined ? undefined : this.target.wrapper.id,
          CONTEXT_OPTIONS,
          MQ_CONTEXT_TYPE,
        ) as PipelineProxy,
    );
    return isEmptyPipeline(probe)
      ? new DirectCall(instance, this.method, probe.params!, tracker)
      : new PipelineCall(proxy, instance, tracker);
  }
}

/** A pipeline bound to the instance that handles one message. */
export interface PreparedCall {
  /** The handler's instance (for `onExhausted` hooks named by method). */
  readonly instance: object;
  /**
   * Runs the pipeline for one delivery, its progress recorded in `state`; resolves with its result
   * (an observable's last value) or rejects with what no filter handled.
   */
  run(
    state: DispatchState,
    payload: unknown,
    message: MQReceivedMessage | readonly MQReceivedMessage[],
    ctx: MQContext | MQBatchContext,
  ): Promise<unknown>;
}

/** Nest's pipeline, through the proxy its `ExternalContextCreator` built. */
class PipelineCall implements PreparedCall {
  constructor(
    private readonly proxy: PipelineProxy,
    /** The handler's instance (for `onExhausted` hooks named by method). */
    readonly instance: object,
    private readonly tracker: DispatchTracker,
  ) {}

  /** `(payload, message, ctx)`; batch handlers: `(payloads, messages, batchCtx)`. */
  run(state: DispatchState, payload: unknown, message: unknown, ctx: object): Promise<unknown> {
    this.tracker.attach(ctx, state);
    return this.proxy(payload, message, ctx);
  }
}

/**
 * A handler without parameter decorators receives `(payload, message, ctx)`; describing those
 * parameters as `@MQPayload() @MQMessage() @MQCtx()` makes Nest apply method, class and global
 * pipes to them (a `ValidationPipe` would otherwise be skipped silently, golevelup#988).
 * Written once under our own key on the class that declares the method; idempotent.
 */
function ensureParamMetadata(hostClass: Function, methodName: string): void {
  const paramsHost = paramsHostOf(hostClass, methodName);
  if (Reflect.getMetadata(MQ_PARAM_ARGS_METADATA, paramsHost, methodName) !== undefined) return;
  const metadata: MQParamArgsMetadata = {
    [paramKey(MQParamType.PAYLOAD, 0)]: { index: 0, data: undefined, pipes: [] },
    [paramKey(MQParamType.MESSAGE, 1)]: { index: 1, data: undefined, pipes: [] },
    [paramKey(MQParamType.CONTEXT, 2)]: { index: 2, data: undefined, pipes: [] },
  };
  Reflect.defineMetadata(MQ_PARAM_ARGS_METADATA, metadata, paramsHost, methodName);
}

/** The class whose parameter metadata Nest reads for this method (as `ExternalContextCreator`). */
function paramsHostOf(hostClass: Function, methodName: string): Function {
  const prototype = hostClass.prototype as Record<string, unknown> | undefined;
  const ctor = prototype?.constructor as Function | undefined;
  if (
    typeof ctor === 'function' &&
    (ctor.prototype as Record<string, unknown>)?.[methodName] === prototype?.[methodName]
  ) {
    return ctor;
  }
  return hostClass;
}
