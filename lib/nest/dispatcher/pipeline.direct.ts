/**
 * The Nest pipeline of a handler that has nothing in it (no guard, interceptor, pipe or exception
 * filter: global, class, method or parameter), run without Nest's machinery around it.
 *
 * Nest's external context runs every message through a chain of async steps even when each is
 * empty: an error proxy, a guards step, an interceptors step, a pipes step with a `Promise.all` over
 * the parameters, each parameter through an async pipes consumer, then the result transform. For a
 * plain handler that is about 5 KB of closures and promises per message and the largest single
 * allocator of a drain. With nothing to apply, the same contract takes a few statements: resolve
 * the parameters with Nest's own extractors (our params factory, or a custom decorator's factory),
 * call the method with them, record that it started and completed, unwrap an observable result.
 * Errors propagate unchanged, as Nest's error proxy rethrows them when no filter exists.
 *
 * Whether a pipeline is empty is read from what Nest itself computed while building it (the
 * `PipelineProbe` the tracker fills, dispatch.tracker.ts), at the same moment and from the same
 * global, class and method metadata. Any step the probe did not see (another Nest version) keeps
 * Nest's pipeline.
 */
import { isObservable, lastValueFrom, tap } from 'rxjs';
import type { DispatchState, DispatchTracker } from './dispatch.tracker.js';
import type { ProbedParam } from './pipeline.probe.js';

/**
 * The call of an empty pipeline: the `PreparedCall` (handler.pipeline.ts) that does, for one
 * delivery, what Nest's pipeline and the tracked method (dispatch.tracker.ts) do together when no
 * step has anything in it, in one async function.
 */
export class DirectCall {
  /** Length of the argument array Nest would build (highest parameter index + 1). */
  private readonly length: number;

  constructor(
    readonly instance: object,
    /** The handler method itself (not the tracked one: this call keeps the state itself). */
    private readonly method: Function,
    private readonly params: readonly ProbedParam[],
    private readonly tracker: DispatchTracker,
  ) {
    let length = 0;
    for (const param of params) if (param.index >= length) length = param.index + 1;
    this.length = length;
  }

  async run(
    state: DispatchState,
    payload: unknown,
    message: unknown,
    ctx: object,
  ): Promise<unknown> {
    // The params factory finds the state through ctx, as in Nest's pipeline.
    this.tracker.attach(ctx, state);
    let args: unknown[];
    if (this.params.length === 0) {
      // Nest applies the proxy's own arguments when the method has no parameter metadata.
      args = [payload, message, ctx];
    } else {
      const resolved = this.resolve(payload, message, ctx);
      args = Array.isArray(resolved) ? resolved : await resolved;
    }
    state.handlerStarted = true;
    const result: unknown = this.method.apply(this.instance, args);
    if (isThenable(result)) {
      const value = await result;
      state.completed = true;
      return value;
    }
    if (isObservable(result)) {
      // As Nest's result transform (its last value; an empty one rejects), completed on complete.
      return lastValueFrom(result.pipe(tap({ complete: () => (state.completed = true) })));
    }
    state.completed = true;
    return result;
  }

  /**
   * As Nest's pipes step with no pipes: every parameter is extracted (in order, even after one
   * threw), promised values are awaited, and the first extraction error rejects the call.
   */
  private resolve(payload: unknown, message: unknown, ctx: object): unknown[] | Promise<unknown[]> {
    const params = this.params;
    const args = new Array<unknown>(this.length);
    for (let i = 0; i < args.length; i++) args[i] = undefined;
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
    if (failed) return Promise.reject(failure);
    if (!pending) return args;
    return Promise.all(params.map((param) => args[param.index])).then((values) => {
      for (let i = 0; i < params.length; i++) args[params[i]!.index] = values[i];
      return args;
    });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
