import { AsyncLocalStorage } from 'node:async_hooks';
import { isObservable, tap } from 'rxjs';

/** How far one delivery got through the Nest pipeline (guards → interceptors → pipes → handler). */
export class DispatchState {
  /** The params factory ran: guards passed and interceptors called the handler chain. */
  paramsResolved = false;
  /** The original method was called (pipes passed). */
  handlerStarted = false;
  /** The original method returned, or its promise/observable settled successfully. */
  completed = false;
}

/**
 * Finds the per-message `DispatchState` from inside the pipeline, where only Nest calls our code.
 * One `AsyncLocalStorage` per application (no process-global state). The handler is wrapped once;
 * the wrapper only flags completion and returns the original value, so interceptors see it as is.
 */
export class DispatchTracker {
  private readonly storage = new AsyncLocalStorage<DispatchState>();

  run<T>(state: DispatchState, fn: () => T): T {
    return this.storage.run(state, fn);
  }

  current(): DispatchState | undefined {
    return this.storage.getStore();
  }

  /**
   * The callback handed to `ExternalContextCreator`. It carries every metadata of the original
   * method (guards, interceptors, filters, pipes and user metadata read with `Reflector` through
   * `context.getHandler()`), and sets `completed` only when the method itself succeeded, so a
   * filter that swallows an error is never mistaken for success.
   */
  track(method: Function): (...args: unknown[]) => unknown {
    const storage = this.storage;
    const tracked = function (this: unknown, ...args: unknown[]): unknown {
      const state = storage.getStore();
      if (state === undefined) return method.apply(this, args);
      state.handlerStarted = true;
      const result = method.apply(this, args);
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
    };
    for (const key of Reflect.getMetadataKeys(method)) {
      Reflect.defineMetadata(key, Reflect.getMetadata(key, method), tracked);
    }
    Object.defineProperty(tracked, 'name', { value: method.name });
    return tracked;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
