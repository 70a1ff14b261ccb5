import type { ExternalContextCreator } from '@nestjs/core';
import { isObservable, tap } from 'rxjs';
import { TrackedContext } from '../context/tracked.context.js';
import { newPipelineProbe, type PipelineProbe, type ProbedParam } from './pipeline.probe.js';
import { withoutLastResortLog, type FiltersContextCreator } from './quiet-exceptions.js';

/** How far one delivery got through the Nest pipeline (guards → interceptors → pipes → handler). */
export class DispatchState {
  /** The params factory ran: guards passed and interceptors called the handler chain. */
  paramsResolved = false;
  /** The original method was called (pipes passed). */
  handlerStarted = false;
  /** The original method returned, or its promise/observable settled successfully. */
  completed = false;
  /** The error an exception filter caught and returned from (it handled it), if one did. */
  filtered: unknown = undefined;
}

/**
 * What the pipeline resolves with when an exception filter returned a falsy value (`void`
 * included). Nest's external exceptions handler reads such a return as "no filter handled it" and
 * rethrows the original error (Nest 12: `undefined`; Nest 11: any falsy value), which would make
 * a filter that reports and returns indistinguishable from no filter at all.
 */
export const FILTER_RETURNED: object = Object.freeze({ filterReturned: true });

type PipesFn = NonNullable<ReturnType<ExternalContextCreator['createPipesFn']>>;

/** Where the pipes step links the array Nest resolves a handler's parameters into. */
const RESOLVED_STATE = Symbol('nestjs-aliyun-mq.dispatchState');
type ResolvedArgs = unknown[] & { [RESOLVED_STATE]?: DispatchState };

/** The parts of Nest's (internal) exception filter context and handler we rely on. */
interface FilterContext {
  create(...args: unknown[]): ExceptionsHandler;
}
/** Nest's interceptors context creator: `create` lists a handler's interceptors. */
interface InterceptorsContext {
  create(...args: unknown[]): unknown;
}
interface ExceptionsHandler {
  filters?: unknown;
}
interface FilterEntry {
  func: (exception: unknown, host: { getArgs(): unknown[] }) => unknown;
}

/**
 * Finds the per-message `DispatchState` from inside the pipeline, where only Nest calls our code,
 * without async context: an `AsyncLocalStorage` would make every promise of the whole process pay
 * Node's promise hooks.
 *
 * Nest calls our code with two argument lists. The params factory and the pipes step get the
 * proxy's own arguments `[payload, message, ctx]`, so the per-delivery `ctx` is the key there. The
 * handler itself gets only the resolved parameters (a handler with `@MQPayload() dto` never sees
 * ctx), through `callback.apply(instance, resolvedArgs)`. So the pipes step links that
 * `resolvedArgs` array (it fills it) to the delivery, and the tracked callback's own `apply`
 * receives the very same array. The links live on those objects and go with them: the state in a
 * private slot of our own contexts (`TrackedContext`), and under a module-private symbol on
 * Nest's array, which user code never sees (the handler gets its elements). A WeakMap did the
 * same at about a microsecond per message (two ephemerons per delivery, taxing every scavenge); it
 * remains for a context of another class. One tracker per application (no process-global state).
 */
export class DispatchTracker {
  /** Contexts that are not `TrackedContext`s (none of ours today). */
  private readonly others = new WeakMap<object, DispatchState>();
  private derived: { from: ExternalContextCreator; to: ExternalContextCreator } | undefined;
  /** Filled while `probe` runs: what Nest computes for the pipeline it builds. */
  private probing: PipelineProbe | undefined;

  /**
   * Runs `create` (one `ExternalContextCreator.create` through `contextCreator`) and reports what
   * Nest computed for that pipeline: its guards, interceptors, filters and pipes.
   */
  probe<T>(create: () => T): { result: T; probe: PipelineProbe } {
    const probe = newPipelineProbe();
    this.probing = probe;
    try {
      return { result: create(), probe };
    } finally {
      this.probing = undefined;
    }
  }

  /** Registers the state of the delivery whose pipeline proxy is about to run with `ctx`. */
  attach(ctx: object, state: DispatchState): void {
    if (ctx instanceof TrackedContext) TrackedContext.link(ctx, state);
    else this.others.set(ctx, state);
  }

  /** The state of a delivery, from the proxy's arguments `[payload, message, ctx]`. */
  stateOf(args: readonly unknown[]): DispatchState | undefined {
    const ctx = args[2];
    if (typeof ctx !== 'object' || ctx === null) return undefined;
    return (TrackedContext.stateOf(ctx) as DispatchState | undefined) ?? this.others.get(ctx);
  }

  /**
   * Nest's `ExternalContextCreator` with two steps observed: the pipes step, which receives both
   * the array the handler will be applied with and the proxy's arguments, and the exception
   * filters, whose return is recorded (see `FILTER_RETURNED`) and whose last resort leaves the
   * logging of a failure to the runner (quiet-exceptions.ts). Everything else (guards,
   * interceptors, metadata caches) is Nest's own instance, reached through the prototype; while
   * `probe` runs, what Nest computed for each step is counted (an empty pipeline runs directly).
   */
  contextCreator(nest: ExternalContextCreator): ExternalContextCreator {
    if (this.derived?.from === nest) return this.derived.to;
    const filters = (nest as unknown as { filtersContextCreator?: FilterContext })
      .filtersContextCreator;
    if (typeof nest.createPipesFn !== 'function' || typeof filters?.create !== 'function') {
      // Fail at bootstrap rather than misclassify every delivery at run time.
      throw new Error(
        'nestjs-aliyun-mq: this @nestjs/core has no ExternalContextCreator.createPipesFn or filtersContextCreator; unsupported version',
      );
    }
    const stateOf = (args: readonly unknown[]) => this.stateOf(args);
    const probing = (): PipelineProbe | undefined => this.probing;
    const derived = Object.create(nest) as ExternalContextCreator;
    const derivedFilters = Object.create(filters) as FilterContext;
    derivedFilters.create = function (this: FilterContext, ...args: unknown[]) {
      const handler = filters.create.apply(this, args);
      const probe = probing();
      if (probe !== undefined && Array.isArray(handler.filters)) {
        probe.filters = handler.filters.length;
      }
      observeFilterReturns(handler, stateOf);
      return handler;
    };
    Object.defineProperty(derived, 'filtersContextCreator', {
      value: withoutLastResortLog(derivedFilters as unknown as FiltersContextCreator),
    });
    observeStepCounts(nest, derived, probing);
    derived.createPipesFn = function (this: ExternalContextCreator, pipes, paramsOptions) {
      const probe = probing();
      if (probe !== undefined && Array.isArray(pipes) && Array.isArray(paramsOptions)) {
        probe.pipes = pipes.length;
        probe.params = paramsOptions as unknown as ProbedParam[];
      }
      const applyPipes: PipesFn | null = nest.createPipesFn.call(this, pipes, paramsOptions);
      if (applyPipes === null) return null;
      return (resolvedArgs: unknown[], ...args: unknown[]): Promise<void> => {
        const state = stateOf(args);
        if (state !== undefined) (resolvedArgs as ResolvedArgs)[RESOLVED_STATE] = state;
        return applyPipes(resolvedArgs, ...args);
      };
    };
    this.derived = { from: nest, to: derived };
    return derived;
  }

  /**
   * The callback handed to `ExternalContextCreator`. It carries every metadata of the original
   * method (guards, interceptors, filters, pipes and user metadata read with `Reflector` through
   * `context.getHandler()`), and sets `completed` only when the method itself succeeded, so a
   * filter that swallows an error is never mistaken for success.
   */
  track(method: Function): (...args: unknown[]) => unknown {
    const lookup = (args: unknown[]): DispatchState | undefined =>
      // Resolved parameters (linked by the pipes step), or, for a handler without parameter
      // metadata, the proxy's own arguments, whose third is the ctx.
      (args as ResolvedArgs)[RESOLVED_STATE] ?? this.stateOf(args);
    const tracked = function (this: unknown, ...args: unknown[]): unknown {
      return invoke(lookup(args), method, this, args);
    };
    // Nest calls `callback.apply(instance, resolvedArgs)`: this own `apply` gets that array itself.
    Object.defineProperty(tracked, 'apply', {
      value: function apply(thisArg: unknown, args?: ArrayLike<unknown>): unknown {
        const list = Array.isArray(args) ? args : Array.from(args ?? []);
        return invoke(lookup(list), method, thisArg, list);
      },
      configurable: true,
      writable: true,
    });
    for (const key of Reflect.getMetadataKeys(method)) {
      Reflect.defineMetadata(key, Reflect.getMetadata(key, method), tracked);
    }
    Object.defineProperty(tracked, 'name', { value: method.name });
    return tracked;
  }
}

/**
 * Counts the guards and interceptors Nest computes for a pipeline being probed, where this Nest
 * has the steps we know (`createGuardsFn`, `interceptorsContextCreator.create`); otherwise they
 * stay unseen and every pipeline keeps Nest's machinery.
 */
function observeStepCounts(
  nest: ExternalContextCreator,
  derived: ExternalContextCreator,
  probing: () => PipelineProbe | undefined,
): void {
  const interceptors = (nest as unknown as { interceptorsContextCreator?: InterceptorsContext })
    .interceptorsContextCreator;
  if (typeof nest.createGuardsFn !== 'function' || typeof interceptors?.create !== 'function') {
    return;
  }
  derived.createGuardsFn = function (this: ExternalContextCreator, guards, ...rest) {
    const probe = probing();
    if (probe !== undefined && Array.isArray(guards)) probe.guards = guards.length;
    return nest.createGuardsFn.call(this, guards, ...rest);
  };
  const derivedInterceptors = Object.create(interceptors) as InterceptorsContext;
  derivedInterceptors.create = function (this: InterceptorsContext, ...args: unknown[]) {
    const list = interceptors.create.apply(this, args);
    const probe = probing();
    if (probe !== undefined && Array.isArray(list)) probe.interceptors = list.length;
    return list;
  };
  Object.defineProperty(derived, 'interceptorsContextCreator', { value: derivedInterceptors });
}

/**
 * Wraps each filter of one handler's exceptions handler: a filter that returns has handled the
 * error whatever it returned, so a falsy return becomes `FILTER_RETURNED` (which Nest passes on
 * instead of rethrowing) and the caught error is kept for the outcome's report. A filter that
 * throws, or returns a promise or observable that errors, still fails the pipeline.
 */
function observeFilterReturns(
  handler: ExceptionsHandler,
  stateOf: (args: readonly unknown[]) => DispatchState | undefined,
): void {
  const list = handler.filters;
  if (!Array.isArray(list)) {
    throw new Error(
      'nestjs-aliyun-mq: this @nestjs/core has no ExternalExceptionsHandler.filters list; unsupported version',
    );
  }
  handler.filters = (list as FilterEntry[]).map((entry) => ({
    ...entry,
    func: (exception: unknown, host: { getArgs(): unknown[] }): unknown => {
      const result = entry.func(exception, host);
      const state = stateOf(host.getArgs());
      if (state !== undefined) state.filtered = exception;
      return result ? result : FILTER_RETURNED;
    },
  }));
}

/** Calls the original method, flagging start and (only on success) completion. */
function invoke(
  state: DispatchState | undefined,
  method: Function,
  thisArg: unknown,
  args: unknown[],
): unknown {
  if (state === undefined) return method.apply(thisArg, args);
  state.handlerStarted = true;
  const result = method.apply(thisArg, args);
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then((value) => {
      state.completed = true;
      return value;
    });
  }
  if (isObservable(result)) {
    return result.pipe(tap({ complete: () => (state.completed = true) }));
  }
  state.completed = true;
  return result;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
