/**
 * The Nest pipeline of a handler that has nothing in it (no guard, interceptor, pipe or exception
 * filter: global, class, method or parameter), run without Nest's machinery around it.
 *
 * Nest's external context runs every message through a chain of async steps even when each is
 * empty: an error proxy, a guards step, an interceptors step, a pipes step with a `Promise.all` over
 * the parameters, each parameter through an async pipes consumer, then the result transform. For a
 * plain handler that is about 5 KB of closures and promises per message and the largest single
 * allocator of a drain. With nothing to apply, the same contract takes three statements: resolve the
 * parameters with Nest's own extractors (our params factory, or a custom decorator's factory), call
 * the tracked method with them, unwrap an observable result. Errors propagate unchanged, as Nest's
 * error proxy rethrows them when no filter exists.
 *
 * Whether a pipeline is empty is read from what Nest itself computed while building it (the
 * `PipelineProbe` the tracker fills, dispatch.tracker.ts), at the same moment and from the same
 * global, class and method metadata. Any step the probe did not see (another Nest version) keeps
 * Nest's pipeline.
 */
import { isObservable, lastValueFrom } from 'rxjs';

/** One parameter as Nest prepared it for its pipes step (`createPipesFn`'s `paramsOptions`). */
export interface ProbedParam {
  index: number;
  extractValue: (...args: unknown[]) => unknown;
  pipes?: unknown;
}

/** What Nest computed for one handler's pipeline: counts of each step (-1: not seen). */
export interface PipelineProbe {
  guards: number;
  interceptors: number;
  filters: number;
  /** Global, class and method pipes (parameter pipes are in `params`). */
  pipes: number;
  params: readonly ProbedParam[] | undefined;
}

export function newPipelineProbe(): PipelineProbe {
  return { guards: -1, interceptors: -1, filters: -1, pipes: -1, params: undefined };
}

/** True when every step was seen and is empty. */
export function isEmptyPipeline(probe: PipelineProbe): boolean {
  const { guards, interceptors, filters, pipes, params } = probe;
  if (guards !== 0 || interceptors !== 0 || filters !== 0 || pipes !== 0) return false;
  if (params === undefined) return false;
  for (const param of params) {
    if (!Array.isArray(param.pipes) || param.pipes.length > 0) return false;
    if (typeof param.extractValue !== 'function' || !Number.isInteger(param.index)) return false;
  }
  return true;
}

/** `(payload, message, ctx)`, like the proxy Nest builds. */
export type DirectProxy = (payload: unknown, message: unknown, ctx: object) => Promise<unknown>;

/**
 * The proxy of an empty pipeline. `callback` is the tracked method (its own `apply` finds the
 * delivery's state in the argument array), `link` ties the resolved arguments to the delivery of
 * `ctx` as the pipes step does in Nest's pipeline.
 */
export function createDirectProxy(
  instance: object,
  callback: Function,
  params: readonly ProbedParam[],
  link: (ctx: object, resolvedArgs: unknown[]) => void,
): DirectProxy {
  if (params.length === 0) {
    // Nest applies the proxy's own arguments when the method has no parameter metadata.
    return async (payload, message, ctx) =>
      settle(await callback.apply(instance, [payload, message, ctx]));
  }
  let length = 0;
  for (const param of params) if (param.index >= length) length = param.index + 1;
  return async (payload, message, ctx) => {
    // As Nest's pipes step: every parameter is extracted (in order, even after one threw), values
    // that are promises are awaited, and the first extraction error rejects the call.
    const args = new Array<unknown>(length);
    for (let i = 0; i < length; i++) args[i] = undefined;
    let failed = false;
    let failure: unknown;
    let pending = false;
    for (const param of params) {
      try {
        const value = param.extractValue(payload, message, ctx);
        if (!pending && isThenable(value)) pending = true;
        args[param.index] = value;
      } catch (error) {
        if (!failed) {
          failed = true;
          failure = error;
        }
      }
    }
    if (failed) throw failure;
    if (pending) {
      const values = await Promise.all(params.map((param) => args[param.index]));
      for (let i = 0; i < params.length; i++) args[params[i]!.index] = values[i];
    }
    link(ctx, args);
    return settle(await callback.apply(instance, args));
  };
}

/** Nest's result transform: an observable's last value (it rejects on an empty one, as Nest's). */
function settle(result: unknown): unknown {
  return isObservable(result) ? lastValueFrom(result) : result;
}

function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
