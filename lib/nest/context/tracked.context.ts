/**
 * A slot on the contexts the dispatcher creates, where it keeps the delivery's pipeline state
 * (dispatcher/dispatch.tracker.ts) for the time Nest runs the pipeline with that context.
 *
 * A private field rather than a WeakMap keyed by the context: a WeakMap entry per delivery is an
 * ephemeron, whose write barrier and scavenge-time processing cost about a microsecond per
 * message in a drain; a field store costs nanoseconds. Private, so a handler that logs or
 * serializes its context never sees it.
 */
export abstract class TrackedContext {
  #dispatchState: object | undefined = undefined;

  /** Links `state` to `ctx` (a later link replaces it). */
  static link(ctx: TrackedContext, state: object): void {
    ctx.#dispatchState = state;
  }

  /** The state linked to `value`, when it is a tracked context; undefined otherwise. */
  static stateOf(value: unknown): object | undefined {
    return typeof value === 'object' && value !== null && #dispatchState in value
      ? value.#dispatchState
      : undefined;
  }
}
